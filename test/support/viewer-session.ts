import { adminHeaders, postJson } from './test-app';

/**
 * A viewer session as an embedding application gets one: a viewer token minted with the admin
 * token (`query`: group_id, actor_id, …), exchanged at /viewer/v1/viewersession. Throws, saying
 * which step answered what, when either step does not succeed or the session names another project.
 */
export async function viewerSession(baseUrl: string, project: string, query: string): Promise<string> {
  const minted = await fetch(`${baseUrl}/publisher/v1/project/${project}/viewertoken?${query}`, { headers: adminHeaders() });
  if (minted.status !== 201) throw new Error(`minting a viewer token (${query}) answered ${minted.status}: ${await minted.text()}`);
  const exchanged = await postJson(`${baseUrl}/auditlog/viewer/v1/viewersession`, { token: ((await minted.json()) as { token: string }).token });
  if (exchanged.status !== 200) throw new Error(`exchanging the viewer token answered ${exchanged.status}: ${await exchanged.text()}`);
  const body = (await exchanged.json()) as { project_id: string; token: string };
  if (body.project_id !== project) throw new Error(`the session is for project ${body.project_id}, not ${project}`);
  return body.token;
}
