import { FediverseMark } from "./Icon.tsx";
import { domainOf, displayName, handle, isRemote, profilePath } from "../lib/format.ts";
import type { Account, Emoji } from "../lib/types.ts";

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text with :shortcode: custom emoji as images, as HTML. */
export function emojify(html: string, emojis: Emoji[] | undefined): string {
  if (!emojis?.length) return html;
  const byCode = new Map(emojis.map((e) => [e.shortcode, e]));
  return html.replace(/:([A-Za-z0-9_]{2,}):/g, (m, code: string) => {
    const e = byCode.get(code);
    return e ? `<img class="emoji" src="${escape(e.url)}" alt=":${escape(code)}:" title=":${escape(code)}:" draggable="false">` : m;
  });
}

export function Name({ account }: { account: Account }) {
  return <span class="name" dangerouslySetInnerHTML={{ __html: emojify(escape(displayName(account)), account.emojis) }} />;
}

export function Avatar({ account, size = 40, link = true }: { account: Account; size?: number; link?: boolean }) {
  const img = <img class="avatar" src={account.avatar} alt="" width={size} height={size} loading="lazy" decoding="async" />;
  if (!link) return img;
  return (
    <a href={profilePath(account)} class="avatar-link" tabIndex={-1} aria-hidden="true">
      {img}
    </a>
  );
}

/** Whether the account is seen beyond this server: remote, or local with fediverse sharing on. */
export function onFediverse(account: Account): boolean {
  return isRemote(account) || account.fediverse_sharing !== false;
}

/** The fediverse badge with what it means, for sighted and screen-reader users alike. */
export function FediverseBadge({ account, withText = false }: { account: Account; withText?: boolean }) {
  if (!onFediverse(account)) return null;
  const domain = domainOf(account);
  const text = domain ? `From ${domain}, on the fediverse` : "Shared with the fediverse";
  return (
    <span class="fedi-badge" title={text}>
      <FediverseMark size={14} />
      {withText ? <span>{text}</span> : <span class="visually-hidden">{text}</span>}
    </span>
  );
}

/** Name, then the handle; remote people always with their full handle. */
export function AccountLine({ account, link = true }: { account: Account; link?: boolean }) {
  const inner = (
    <>
      <Name account={account} />
      {account.bot ? <span class="pill">bot</span> : null}
    </>
  );
  return (
    <span class="account-line">
      {link ? <a class="name-link" href={profilePath(account)}>{inner}</a> : <span class="name-link">{inner}</span>}
      <span class="handle" translate={false}>{handle(account)}</span>
      <FediverseBadge account={account} />
    </span>
  );
}
