/*
 * The stylesheet of Weft's plain server-rendered forms (admin, account settings): inline, no
 * scripts, light and dark. A page may narrow itself with `--page-width`.
 */
export const FORM_STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; --page-width: 60rem;
  --bg: #f6f7f9; --surface: #fff; --text: #16181d; --muted: #545b66; --border: #d4d8df; --accent: #1f4fd1; --danger: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --bg: #111318; --surface: #1b1e24; --text: #eceef2; --muted: #a8afbb; --border: #343943; --accent: #8fb0ff; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
header { display: flex; gap: 1rem; align-items: center; justify-content: space-between; flex-wrap: wrap; max-width: var(--page-width); margin: 0 auto; padding: 1rem; }
a { color: var(--accent); }
main { max-width: var(--page-width); margin: 0 auto; padding: 0 1rem 3rem; }
h1 { font-size: 1.4rem; margin: 0; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 auto; max-width: var(--page-width); padding: 0 1rem; }
nav a[aria-current=page] { font-weight: 700; color: var(--text); text-decoration: none; }
section { background: var(--surface); border: 1px solid var(--border); border-radius: .75rem; padding: 1rem 1.25rem; margin: 1rem 0; }
label { display: block; font-weight: 600; margin-top: .9rem; }
.hint { color: var(--muted); font-size: .9rem; font-weight: normal; margin: .1rem 0 0; }
input[type=text], input[type=password], textarea, select { display: block; width: 100%; padding: .55rem; font: inherit; margin-top: .3rem;
  background: var(--bg); color: var(--text); border: 1px solid var(--border); border-radius: .4rem; }
textarea { min-height: 6rem; resize: vertical; }
fieldset { border: 1px solid var(--border); border-radius: .5rem; margin-top: .9rem; padding: .5rem 1rem .75rem; }
legend { font-weight: 600; padding: 0 .25rem; }
fieldset label { font-weight: normal; margin-top: .3rem; display: flex; gap: .5rem; align-items: baseline; }
button { margin-top: 1rem; padding: .55rem 1.2rem; font: inherit; font-weight: 600; border-radius: 2rem; border: 1px solid var(--text); background: var(--text); color: var(--surface); cursor: pointer; }
button.small { margin: 0; padding: .2rem .8rem; font-size: .9rem; }
button.link { background: none; color: var(--accent); border: none; padding: 0; margin: 0; font-weight: normal; text-decoration: underline; }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
[role=status] { border-left: 4px solid #2e7d32; padding: .5rem .75rem; background: #2e7d3222; }
[role=alert] { border-left: 4px solid #c0392b; padding: .5rem .75rem; background: #c0392b22; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.muted { color: var(--muted); }
.login { max-width: 24rem; margin: 3rem auto; }
ul.downloads li { margin: .35rem 0; }
`;
