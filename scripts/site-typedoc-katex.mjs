// TypeDoc plugin: renders the doc comments' display math (`$$…$$`) with KaTeX at build time, so the
// API reference shows equations, not TeX. The math is swapped for a placeholder before TypeDoc's
// Markdown parser runs (which would eat backslashes such as `\,`), and the KaTeX HTML is put back
// after it. scripts/site-prepare.mjs loads this with `--plugin` and ships katex.min.css + fonts.
import katex from 'katex';
import { MarkdownEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** @type {string[]} */
  const rendered = [];
  app.renderer.on(
    MarkdownEvent.PARSE,
    (event) => {
      event.parsedText = event.parsedText.replace(/\$\$([\s\S]+?)\$\$/g, (_, tex) => {
        rendered.push(katex.renderToString(tex.trim(), { displayMode: true, throwOnError: true }));
        return `KATEXMATH${rendered.length - 1}END`;
      });
    },
    100, // before TypeDoc's own Markdown listener (priority 0)
  );
  app.renderer.on(
    MarkdownEvent.PARSE,
    (event) => {
      event.parsedText = event.parsedText
        .replace(/KATEXMATH(\d+)END/g, (_, i) => rendered[Number(i)] ?? '')
        // markdown-it's fuzzy linkify turns prose such as constructor.name into a link to
        // http://constructor.name: unwrap links whose text is their URL without the protocol.
        .replace(/<a href="http:\/\/([^"]+)">([^<]+)<\/a>/g, (all, host, text) =>
          host === text ? text : all,
        );
    },
    -100, // after it
  );
}
