import { DynamicModule, Module, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DIRECTORY_ENTITIES } from './mirror/directory-mirror.entities';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { IdentityController } from './api/identity.controller';
import { ProvisioningController } from './api/provisioning.controller';
import { DirectoryReadiness } from './directory.readiness';
import { DirectoryLoginService } from './login/directory-login.service';
import { ldapDirectoryProvider } from './ldap/ldap-directory.provider';
import { DirectoryMirrorRepository } from './mirror/directory-mirror.repository';
import { DirectoryMirror } from './mirror/directory-mirror.service';
import { ProvisioningService } from './provisioning/provisioning.service';
import { DirectoryIdentityResolver } from './resolution/directory-identity.resolver';
import { IdentityEnricher } from './resolution/identity.enricher';
import { IDENTITY_RESOLVER, IdentityResolver } from './resolution/identity-resolver';
import { PendingIdentityJob } from './resolution/pending-identity.job';
import { DirectorySyncService } from './sync/directory-sync.service';

export interface IdentityModuleOptions {
  /** Replaces the default resolver (mirror, then a live directory lookup) under IDENTITY_RESOLVER. */
  resolver?: Type<IdentityResolver>;
}

/**
 * Who the actors are: the LDAP / AD directory, its local mirror (kept by sync and by the
 * Provisioning API), the resolver behind IDENTITY_RESOLVER, and the enricher that stamps each
 * event with the actor's GUID before it is stored. Global, so every module reads people through
 * the one resolver chosen here.
 */
@Module({})
export class IdentityModule {
  static forRoot(options: IdentityModuleOptions = {}): DynamicModule {
    return {
      global: true,
      module: IdentityModule,
      imports: [DiscoveryModule, TypeOrmModule.forFeature(DIRECTORY_ENTITIES), AuditTrailModule],
      controllers: [IdentityController, ProvisioningController],
      providers: [
        ldapDirectoryProvider,
        DirectoryMirrorRepository,
        DirectoryMirror,
        DirectorySyncService,
        DirectoryIdentityResolver,
        options.resolver ? { provide: IDENTITY_RESOLVER, useClass: options.resolver } : { provide: IDENTITY_RESOLVER, useExisting: DirectoryIdentityResolver },
        IdentityEnricher,
        PendingIdentityJob,
        ProvisioningService,
        DirectoryReadiness,
        DirectoryLoginService,
      ],
      exports: [IDENTITY_RESOLVER, DirectoryMirror, DirectorySyncService, PendingIdentityJob, DirectoryLoginService],
    };
  }
}
