/** Where an attachment's bytes live in the MEDIA bucket: under its tenant, named by its id. */
export const mediaKey = (row: { tenantId: string; id: string }) => `${row.tenantId}/${row.id}`;
