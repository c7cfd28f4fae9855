#!/usr/bin/env bash
# Installs the real directory servers used by the end-to-end tests
# (test/support/directories/): OpenLDAP (slapd + ldap-utils) and a Samba
# Active Directory domain controller.
#
# Idempotent: when every package is already installed it does not touch apt
# at all (it only re-checks that no system daemon is holding the LDAP ports)
# and exits 0.
#
# The tests start their own slapd/samba processes from temporary
# directories, so this script makes sure the Debian packages do NOT leave a
# system-wide slapd or samba running (samba binds the fixed ports 389/636).
#
# Must run as root (apt-get, and the Samba DC itself needs root at test time).
set -euo pipefail

# Why each package is needed (found by trial on Debian 12 / Samba 4.17):
#   slapd               - OpenLDAP server, slapadd, slappasswd, /usr/lib/ldap modules
#   ldap-utils          - ldapadd/ldapmodify/ldapsearch, used by the helpers
#   samba               - samba binary, samba-tool, python3-samba
#   samba-ad-provision  - /usr/share/samba/setup (AD schema); without it
#                         `samba-tool domain provision` fails ("File [...] not found")
#   samba-dsdb-modules  - the ldb module stack of the AD database; without it
#                         provisioning fails on secrets.ldb ("Module [samba_secrets] not found")
#   samba-vfs-modules   - vfs_acl_xattr, used by provisioning to set sysvol ACLs;
#                         without it provision fails in setsysvolacl
# NOT needed: samba-ad-dc (only systemd glue), winbind (the harness runs samba
# with `server services = ldap`, so winbindd is never started), krb5-user
# (samba-tool is run with --use-kerberos=off and simple binds are used).
PACKAGES=(slapd ldap-utils samba samba-ad-provision samba-dsdb-modules samba-vfs-modules)

log() { printf '[install-directory-servers] %s\n' "$*"; }

if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo --preserve-env=DEBIAN_FRONTEND "$0" "$@"
  fi
  log "must be run as root" >&2
  exit 1
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

# Daemons the packages may start/enable. The tests run their own instances.
DAEMONS=(slapd samba-ad-dc smbd nmbd winbind)

stop_system_daemons() {
  local svc
  for svc in "${DAEMONS[@]}"; do
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
      systemctl disable --now "$svc" >/dev/null 2>&1 || true
    fi
    if [[ -x "/etc/init.d/$svc" ]]; then
      "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
  done
}

# Fails (exit 1) if something is still listening on an LDAP port, after
# killing any slapd/samba daemon that does (those can only be system daemons
# started by the packages: the tests' own instances are children of Jest).
ensure_ldap_ports_free() {
  local port pids pid comm listener=0
  command -v ss >/dev/null 2>&1 || return 0
  for port in 389 636; do
    pids="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true)"
    for pid in $pids; do
      comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
      case "$comm" in
        slapd|samba|smbd)
          log "stopping system $comm (pid $pid) listening on port $port"
          kill "$pid" 2>/dev/null || true
          ;;
      esac
    done
  done
  sleep 1
  for port in 389 636; do
    if [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
      log "port $port is still in use:" >&2
      ss -ltnp "sport = :$port" >&2 || true
      listener=1
    fi
  done
  return "$listener"
}

if [[ ${#missing[@]} -eq 0 ]]; then
  log "already installed: ${PACKAGES[*]}"
  ensure_ldap_ports_free
  exit 0
fi

log "installing: ${missing[*]}"

# Without this the slapd postinst creates a system database under
# /var/lib/ldap and a cn=config in /etc/ldap/slapd.d (and starts slapd).
echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections

# Stop package maintainer scripts from starting daemons while installing
# (the same mechanism Debian container images use). Only installed if the
# machine does not already have a policy-rc.d, and always removed again.
POLICY_RC=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$POLICY_RC" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
  chmod 0755 "$POLICY_RC"
  created_policy=1
fi
cleanup() {
  if [[ "$created_policy" -eq 1 ]]; then rm -f "$POLICY_RC"; fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends keeps out the unneeded recommends (logrotate,
# python3-markdown, attr ...); everything required is listed explicitly.
apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=300 \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${PACKAGES[@]}"

stop_system_daemons
ensure_ldap_ports_free

for bin in /usr/sbin/slapd /usr/sbin/slapadd /usr/bin/ldapmodify /usr/sbin/samba /usr/bin/samba-tool; do
  [[ -x "$bin" ]] || { log "expected $bin after install, not found" >&2; exit 1; }
done
log "done"
