/** The app a status was posted with, as a Status shows it (not the app registration entity). */
export interface MastodonApplication {
  name: string;
  website: string | null;
}

export function serializeApplication(app: { name: string; website: string | null } | null): MastodonApplication | null {
  return app ? { name: app.name, website: app.website || null } : null;
}
