import type { Config } from "../config.ts";
import type { Account } from "./accounts.ts";
import { countCharacters, extractHashtags, extractMentions, renderPlainText } from "./text/index.ts";
import { localUrl, paths } from "./uris.ts";

/** What a local post's text refers to: handles to resolve and hashtags to index. */
export function parseStatusText(config: Config, text: string): { mentions: Array<{ username: string; domain: string | null }>; tags: string[] } {
  const localDomain = config.url.host;
  return { mentions: extractMentions(text, { localDomain }), tags: extractHashtags(text).map((t) => t.display) };
}

export function countStatusCharacters(text: string): number {
  return countCharacters(text);
}

/**
 * Renders local text to the HTML that is stored and federated. `mentioned` maps lower-cased
 * `user` / `user@domain` to the resolved account.
 */
export function renderStatusText(config: Config, text: string, mentioned: Map<string, Account>): string {
  return renderPlainText(text, {
    resolveMention: (username: string, domain: string | null) => {
      const key = (domain ? `${username}@${domain}` : username).toLowerCase();
      let account = mentioned.get(key);
      if (!account && domain && domain.toLowerCase() === config.url.host.toLowerCase()) account = mentioned.get(username.toLowerCase());
      if (!account) return null;
      return { url: account.url ?? account.uri, username: account.username };
    },
    tagUrl: (name: string) => localUrl(config, paths.tag(name)),
  });
}
