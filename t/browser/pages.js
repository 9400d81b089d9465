#!/usr/bin/env node
// The module's HTML pages in a real browser (Debian's Chromium through
// playwright-core), against a running demo stack (conf/demo.sh).
//
//   node t/browser/pages.js BASE_URL OUT_DIR
//
// BASE_URL is http://127.0.0.1:PORT; screenshots go to OUT_DIR (for
// humans, not asserted).  Prints one line per check and ends with
// "browser: N passed, M failed"; exits non-zero on any failure.  Every
// wait has a deadline.  t/browser/run.sh starts the stack and runs this.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const OUT = process.argv[3];
if (!BASE || !OUT || !/^http:\/\/127\.0\.0\.1:\d+$/.test(BASE)) {
    console.error('usage: pages.js http://127.0.0.1:PORT OUT_DIR');
    process.exit(2);
}
const ORIGIN = new URL(BASE).origin;
const PPROF = BASE + '/debug/pprof/';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ACTION_TIMEOUT = 10000;       // one click, fill, wait for an element
const NAV_TIMEOUT = 15000;          // one navigation
const CHECK_TIMEOUT = 60000;        // one whole check

// BROWSER_BREAK=NAME serves every page deliberately broken as SABOTAGE
// says (the HTML rewritten on its way to the browser), to show that the
// check of that name fails on it; t/browser/run.sh passes it through
const BREAK = process.env.BROWSER_BREAK || '';
const SABOTAGE = {
    // the heap entry gone from the index
    index: (html) => html.replace(/<li><h2><a href="heap">[\s\S]*?<\/li>\n/, ''),
    // no visible focus
    keyboard: (html) => html.replace('</head>',
        '<style>*:focus,*:focus-visible{outline:none!important}</style></head>'),
    // the CPU form posts to the wrong profile, without its bound
    form: (html) => html.replace('action="profile"', 'action="heap"')
        .replace(/ max="\d+"/g, ''),
    // tables out of their scrolling box, names kept on one line
    phone: (html) => html.replace(/<div class="scroll">/g, '<div>')
        .replace('white-space:normal;word-break:break-all', 'white-space:nowrap'),
    // the link to this view forgets the sort
    here: (html) => html.replace(/(<a href="[^"]*?)&amp;sort=cum([^"]*" rel="bookmark")/, '$1$2'),
    // a diff's frames all drawn unchanged
    diff: (html) => html.replace(/<a class="(?:g[1-5n]|s[1-5])"/g, '<a class="g0"'),
    // the graph's nodes all drawn at the first node's place
    graph: (html) => {
        const at = /<g class="node"[^]*?<rect x="([\d.]+)" y="([\d.]+)"/.exec(html);
        return at ? html.replace(/(<g class="node"[^]*?<rect) x="[\d.]+" y="[\d.]+"/g,
            `$1 x="${at[1]}" y="${at[2]}"`) : html;
    },
    // a phone's tables without the width of their names' column
    'phone-names': (html) => html.replace('.top td:last-child{min-width:14em}', ''),
    // the graph's box without its scrolling: the SVG widens the page
    'graph-phone': (html) => html.replace('.graph{overflow:auto;max-width:100%;', '.graph{'),
    // the graph's nodes without links: nothing to Tab to or to follow
    // the peek tables without their callers
    peek: (html) => html.replace(/<tr class="caller">.*?<\/tr>\n?/g, ''),
    // the refine form's Hide field outside the form: it sends nothing
    refine: (html) => html.replace('name="hide"', 'name="hide" form="nowhere"'),
    // the links to the other views forget the refine options
    'refine-links': (html) => html.replace(/(<nav[^]*?<\/nav>)/, (nav) => nav.replace(
        /&amp;(?:hide|show|show_from|focus|ignore|tagfocus|tagignore|granularity)=[^&"]*/g, '')),
    // the 400 page without its reason
    'refine-error': (html) => html.replace(/<pre class="text">[^<]*<\/pre>/, '<pre class="text">Bad Request</pre>'),
    // a diff's graph in the colours of the other direction (red and green
    // swapped)
    'graph-diff': (html) => html.replace(/(<rect [^>]*fill=")#(..)(..)(..)(" stroke=")#(..)(..)(..)"/g,
        '$1#$3$2$4$5#$7$6$8"'),
    'graph-keyboard': (html) => html.replace(/(<g class="node"[^>]*><title>[^<]*<\/title><a) href=/g, '$1 data-href='),
};
if (BREAK && !SABOTAGE[BREAK]) {
    console.error(`BROWSER_BREAK=${BREAK}: not one of ${Object.keys(SABOTAGE).join(' ')}`);
    process.exit(2);
}

async function sabotage(context) {
    if (!BREAK) {
        return;
    }
    await context.route(ORIGIN + '/**', async (route) => {
        const response = await route.fetch();
        const type = response.headers()['content-type'] || '';
        if (!/^text\/html/.test(type)) {
            await route.fulfill({ response });
            return;
        }
        await route.fulfill({ response, body: SABOTAGE[BREAK](await response.text()) });
    });
}

let passed = 0;
let failed = 0;
let shot = 0;
const allRequests = [];             // every request of every page, any context

function assert(cond, msg) {
    if (!cond) {
        throw new Error(msg);
    }
}

// "516.01kB" "2.03MB" "0" "1.20s" "25" -> a number in the base unit
const UNITS = {
    '': 1, B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4,
    ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, min: 60, hrs: 3600,
};
function parseValue(text) {
    const m = /^([+-]?[\d.]+(?:e[+-]?\d+)?)\s*([a-zA-Zµ]*)$/.exec(text.trim());
    assert(m && m[2] in UNITS, `cannot parse value "${text}"`);
    return parseFloat(m[1]) * UNITS[m[2]];
}

// each page records its console errors, uncaught exceptions and requests
async function newPage(context) {
    const page = await context.newPage();
    page.consoleErrors = [];
    page.requests = [];
    page.on('console', (msg) => {
        if (msg.type() !== 'error') {
            return;
        }
        page.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => page.consoleErrors.push('uncaught: ' + err.message));
    page.on('request', (req) => {
        page.requests.push(req.url());
        allRequests.push(req.url());
    });
    return page;
}

function offOrigin(urls) {
    return urls.filter((u) => {
        const url = new URL(u);
        if (url.protocol === 'data:' || url.protocol === 'about:') {
            return false;           // not a network request
        }
        return url.origin !== ORIGIN;
    });
}

function noConsoleErrors(page) {
    assert(page.consoleErrors.length === 0,
        'console errors: ' + JSON.stringify(page.consoleErrors));
}

async function screenshot(page, name) {
    if (!page || page.isClosed()) {
        return;
    }
    shot++;
    const file = path.join(OUT, String(shot).padStart(2, '0') + '-' + name + '.png');
    try {
        await page.screenshot({ path: file, fullPage: true, timeout: NAV_TIMEOUT });
    } catch (e) {
        console.log(`  (screenshot ${file} failed: ${e.message.split('\n')[0]})`);
    }
}

// navigation by a user action: the click, and the new URL within a deadline
async function clickAndWait(page, locator, urlPattern) {
    const [response] = await Promise.all([
        page.waitForNavigation({ url: urlPattern, timeout: NAV_TIMEOUT }),
        locator.click({ timeout: ACTION_TIMEOUT }),
    ]);
    assert(response, `no response navigating to ${urlPattern}`);
    return response;
}

// navigation by a key: Enter on what has the focus (page.keyboard) or
// on a field, and the new URL within a deadline
async function pressAndWait(page, keys, urlPattern, what) {
    let response;
    try {
        [response] = await Promise.all([
            page.waitForNavigation({ url: urlPattern, timeout: NAV_TIMEOUT }),
            keys.press('Enter'),
        ]);
    } catch (e) {
        throw new Error(`${what}: Enter led to no page matching ${urlPattern} (${e.message.split('\n')[0]}); at ${page.url()}`);
    }
    assert(response, `${what}: no response`);
    return response;
}

async function goto(page, url) {
    const response = await page.goto(url, { timeout: NAV_TIMEOUT, waitUntil: 'load' });
    assert(response, `no response for ${url}`);
    return response;
}

async function topRows(page) {
    return page.locator('table.top tbody tr').evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.cells, (td) => td.textContent.trim())));
}

// the flame graph's frames: name (first title line), title, style width
// (percent) and the box as laid out
async function frames(page) {
    return page.locator('.fg a').evaluateAll((as) => as.map((a) => {
        const r = a.getBoundingClientRect();
        return {
            name: a.title.split('\n')[0],
            title: a.title,
            root: a.classList.contains('r'),
            matched: a.classList.contains('m'),
            stylePct: parseFloat(a.style.width),
            top: parseFloat(a.style.top),
            width: r.width,
            height: r.height,
            href: a.getAttribute('href'),
            background: getComputedStyle(a).backgroundColor,
        };
    }));
}

function assertFramesDrawn(fs, what) {
    assert(fs.length >= 2, `${what}: ${fs.length} flame graph frames, want >= 2`);
    assert(fs.filter((f) => f.root).length === 1, `${what}: not exactly one root frame`);
    for (const f of fs) {
        assert(f.stylePct > 0, `${what}: frame "${f.name}" has style width ${f.stylePct}%`);
        assert(f.width > 0 && f.height > 0,
            `${what}: frame "${f.name}" has a ${f.width}x${f.height} box`);
    }
    // padding alone gives a box a few pixels: a real frame is wider
    const root = fs.find((f) => f.root);
    assert(root.width > 300, `${what}: root frame only ${root.width}px wide`);
    assert(fs.some((f) => !f.root && f.width > 20),
        `${what}: no non-root frame wider than 20px`);
}

// the rows of a plain-text top (format=top): the name after the five
// value columns, as go tool pprof -top prints them
function textTopNames(text) {
    const lines = text.split('\n');
    const head = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
    assert(head >= 0, `no top header in ${JSON.stringify(text.slice(0, 300))}`);
    return lines.slice(head + 1).filter((l) => l.trim()).map((l) => {
        const m = /^\s*(?:\S+\s+){5}(\S.*)$/.exec(l);
        assert(m, `top line "${l}"`);
        return m[1];
    });
}

// DOT as go tool pprof -dot prints it: the nodes N<i> (their nodelets
// N<i>_<j> left out) with label lines and tooltip, and the edges between
// them with tooltip and style
function dotUnescape(s) {
    return s.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
}
function parseDot(text) {
    const nodes = [];
    const edges = [];
    const q = '"((?:[^"\\\\]|\\\\.)*)"';
    const nodeRe = new RegExp(`^N\\d+ \\[label=${q}.* tooltip=${q}`);
    const edgeRe = new RegExp(`^N\\d+ -> N\\d+ \\[.* tooltip=${q}`);
    for (const line of text.split('\n')) {
        let m = nodeRe.exec(line);
        if (m) {
            nodes.push({ lines: dotUnescape(m[1]).split('\n'), title: dotUnescape(m[2]) });
            continue;
        }
        m = edgeRe.exec(line);
        if (m) {
            edges.push({ title: dotUnescape(m[1]), dotted: /\bstyle="?dotted/.test(line),
                inline: /\blabel="[^"]*\(inline\)"/.test(line) });
        }
    }
    return { nodes, edges };
}

// the call graph inline in a page (or an SVG file): its nodes (the box,
// label lines, link, colours, in the SVG's own units and as laid out)
// and edges (title, dashes, the path's ends)
async function callGraph(page) {
    return page.evaluate(() => {
        const svg = document.querySelector('svg.callgraph');
        if (!svg) {
            return null;
        }
        const client = (e) => {
            const r = e.getBoundingClientRect();
            return { x: r.left, y: r.top, w: r.width, h: r.height };
        };
        const num = (e, a) => parseFloat(e.getAttribute(a));
        const box = svg.parentElement || svg;
        return {
            width: num(svg, 'width'),
            height: num(svg, 'height'),
            client: client(svg),
            box: { ...client(box), scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
                overflowX: getComputedStyle(box).overflowX },
            nodes: Array.from(svg.querySelectorAll('g.nodes > g.node'), (g) => {
                const rect = g.querySelector('rect');
                const text = g.querySelector('text');
                const a = g.querySelector('a');
                return {
                    id: g.id,
                    title: g.querySelector('title').textContent,
                    lines: Array.from(text.querySelectorAll('tspan'), (t) => t.textContent),
                    rect: { x: num(rect, 'x'), y: num(rect, 'y'), w: num(rect, 'width'), h: num(rect, 'height') },
                    client: client(rect),
                    text: client(text),
                    fontSize: num(text, 'font-size'),
                    href: a && a.getAttribute('href'),
                    fill: rect.getAttribute('fill'),
                    stroke: rect.getAttribute('stroke'),
                };
            }),
            edges: Array.from(svg.querySelectorAll('g.edges > g.edge'), (g) => {
                const p = g.querySelector('path');
                const pts = (p.getAttribute('d').match(/-?[\d.]+,-?[\d.]+/g) || [])
                    .map((s) => s.split(',').map(Number));
                const tip = (g.querySelector('polygon').getAttribute('points')
                    .match(/-?[\d.]+,-?[\d.]+/) || ['0,0'])[0].split(',').map(Number);
                return {
                    title: g.querySelector('title').textContent,
                    dashed: p.hasAttribute('stroke-dasharray'),
                    start: pts[0],
                    tip,
                    length: p.getTotalLength(),
                };
            }),
        };
    });
}

// "main.allocBlock (2104.54kB)" -> ["main.allocBlock", "2104.54kB"]
function splitTitle(title) {
    const m = /^(.*) \(([^()]*)\)$/.exec(title);
    assert(m, `title "${title}" is not "name (value)"`);
    return [m[1], m[2]];
}

// the graph as drawn: nodes and edges there, every node box apart from
// the others, its label inside it, every edge from its source's box to
// its destination's
function assertGraphDrawn(g, what) {
    assert(g, `${what}: no svg.callgraph`);
    assert(g.nodes.length >= 2, `${what}: ${g.nodes.length} nodes, want >= 2`);
    assert(g.edges.length >= 1, `${what}: ${g.edges.length} edges, want >= 1`);
    const byName = new Map();
    for (const n of g.nodes) {
        byName.set(splitTitle(n.title)[0], n);
        assert(n.rect.w > 0 && n.rect.h > 0, `${what}: node ${n.title} is ${n.rect.w}x${n.rect.h}`);
        assert(n.lines.length >= 2 && n.lines.join(' ').trim(), `${what}: node ${n.title} has no label`);
        // pprof's smallest node font is 8 (nodes with no flat value)
        assert(n.fontSize >= 8, `${what}: node ${n.title} in a ${n.fontSize}px font`);
    }
    for (let i = 0; i < g.nodes.length; i++) {
        for (let j = i + 1; j < g.nodes.length; j++) {
            const a = g.nodes[i].rect;
            const b = g.nodes[j].rect;
            const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
            const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
            assert(ox <= 0.5 || oy <= 0.5,
                `${what}: nodes ${g.nodes[i].title} and ${g.nodes[j].title} overlap (${ox.toFixed(1)}x${oy.toFixed(1)})`);
        }
    }
    for (const n of g.nodes) {
        const t = n.text;
        const r = n.client;
        assert(t.x >= r.x - 1 && t.y >= r.y - 1 && t.x + t.w <= r.x + r.w + 1 && t.y + t.h <= r.y + r.h + 1,
            `${what}: node ${n.title}: its label (${JSON.stringify(t)}) overflows its box (${JSON.stringify(r)})`);
    }
    // a point on the top or bottom side of a box
    const onBox = (p, r) => p && p[0] >= r.x - 1 && p[0] <= r.x + r.w + 1
        && (Math.abs(p[1] - r.y) <= 1 || Math.abs(p[1] - r.y - r.h) <= 1);
    for (const e of g.edges) {
        const m = /^(.*) (->|\.\.\.) (.*) \(([^()]*)\)$/.exec(e.title);
        assert(m, `${what}: edge title "${e.title}"`);
        const src = byName.get(m[1]);
        const dst = byName.get(m[3]);
        assert(src && dst, `${what}: edge "${e.title}" between nodes not in the graph`);
        assert(e.dashed === (m[2] === '...'), `${what}: edge "${e.title}" dashed: ${e.dashed}`);
        assert(e.length > 1, `${what}: edge "${e.title}" is ${e.length} long`);
        if (src !== dst) {
            assert(onBox(e.start, src.rect), `${what}: edge "${e.title}" starts at ${e.start}, not on ${JSON.stringify(src.rect)}`);
            assert(onBox(e.tip, dst.rect), `${what}: edge "${e.title}" points at ${e.tip}, not on ${JSON.stringify(dst.rect)}`);
        }
    }
}

// the same graph as the DOT text: node titles and labels, edge titles
function assertGraphIsDot(g, dot, what) {
    const sorted = (xs) => JSON.stringify([...xs].sort());
    assert(dot.nodes.length === g.nodes.length && dot.edges.length === g.edges.length,
        `${what}: ${g.nodes.length} nodes and ${g.edges.length} edges, DOT has ${dot.nodes.length} and ${dot.edges.length}`);
    const labels = new Map(dot.nodes.map((n) => [n.title, n.lines.join('|')]));
    for (const n of g.nodes) {
        assert(labels.has(n.title), `${what}: node "${n.title}" is not in the DOT`);
        assert(labels.get(n.title) === n.lines.join('|'),
            `${what}: node "${n.title}" says ${n.lines.join('|')}, DOT ${labels.get(n.title)}`);
    }
    assert(sorted(g.edges.map((e) => e.title)) === sorted(dot.edges.map((e) => e.title)),
        `${what}: edges differ from the DOT's`);
    assert(g.edges.filter((e) => e.dashed).length === dot.edges.filter((e) => e.dotted).length,
        `${what}: dashed edges differ from the DOT's dotted ones`);
}

// the page itself no wider than the window (a phone widens its layout
// viewport, window.innerWidth, to a page too wide for it)
async function assertNoPageOverflow(page, what) {
    const m = await page.evaluate(() => ({
        inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
    }));
    const screen = page.viewportSize().width;
    assert(m.inner === screen && m.scroll <= m.inner,
        `${what}: the page is ${m.scroll} px wide (layout ${m.inner} px) on a ${screen} px screen`);
    return m.inner;
}

// the tables' function names readable: each name cell at least 10em
// wide (a narrower one breaks a name into a column of letters; the
// table scrolls in its box instead)
async function assertNamesReadable(page, what) {
    const narrow = await page.locator('table.top tbody td:last-child').evaluateAll((tds) => tds
        .filter((td) => td.textContent.trim())
        .map((td) => [td.textContent.trim(), td.getBoundingClientRect().width,
            10 * parseFloat(getComputedStyle(td).fontSize)])
        .filter(([, w, em10]) => w < em10));
    assert(narrow.length === 0, `${what}: names in cells narrower than 10em: ${JSON.stringify(narrow.slice(0, 3))}`);
}

// the graph readable where it is: at its own size (fonts as drawn), its
// box inside the window, and scrolling in that box when wider
async function assertGraphReadable(page, g, what) {
    const inner = await assertNoPageOverflow(page, what);
    assert(Math.abs(g.client.w - g.width) <= 1, `${what}: the SVG is drawn ${g.client.w} px wide, not its ${g.width}`);
    assert(g.box.x >= 0 && g.box.x + g.box.w <= inner + 0.5,
        `${what}: the graph's box (${g.box.x}..${g.box.x + g.box.w}) is outside the ${inner} px window`);
    if (g.width > g.box.clientWidth + 1) {
        assert(g.box.overflowX === 'auto' || g.box.overflowX === 'scroll',
            `${what}: the ${g.width} px graph in a ${g.box.clientWidth} px box does not scroll (${g.box.overflowX})`);
        const moved = await page.evaluate(() => {
            const box = document.querySelector('svg.callgraph').parentElement;
            box.scrollLeft = box.scrollWidth;
            const left = box.scrollLeft;
            box.scrollLeft = 0;
            return { left, pageX: window.scrollX };
        });
        assert(moved.left > 0 && moved.pageX === 0, `${what}: the graph's box does not scroll: ${JSON.stringify(moved)}`);
    }
}

// every link to a view on the page (or those the selector links
// picks) keeps these arguments
async function assertLinksKeep(page, args, what, links = 'a[href^="?"]') {
    const hrefs = await page.locator(links).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(hrefs.length >= 5, `${what}: only ${hrefs.length} links to views`);
    const lost = hrefs.filter((h) => {
        if (/refresh=1|format=raw/.test(h)) {
            return false;       // a new capture, the profile itself
        }
        const q = new URLSearchParams(h.slice(1));
        return Object.entries(args).some(([k, v]) => q.get(k) !== v);
    });
    assert(lost.length === 0, `${what}: links without ${JSON.stringify(args)}: ${JSON.stringify(lost.slice(0, 5))}`);
}

// a new capture of a profile in the store: its id
async function storeCapture(context, name, args = '') {
    const r = await context.request.get(PPROF + name + '?refresh=1&format=raw' + args, { timeout: NAV_TIMEOUT });
    assert(r.status() === 200, `${name} capture: status ${r.status()}`);
    const id = r.headers()['x-pprof-capture'];
    assert(/^[0-9a-f]{16}$/.test(id || ''), `${name} capture: X-Pprof-Capture ${id}`);
    return id;
}

// two stored heap captures, the second with more allocated (alloc_space)
// than the first: Go's heap profile changes at a GC (gc=1 runs one) and
// samples one allocation in 512 kB, so the second is taken again until
// it differs, within a deadline
async function heapCaptures(context) {
    const total = async (id) => {
        const r = await context.request.get(PPROF + `heap?capture=${id}&format=top&sample=alloc_space`,
            { timeout: NAV_TIMEOUT });
        const m = /of (\S+) total/.exec(await r.text());
        assert(r.status() === 200 && m, `heap capture ${id}: no total`);
        return parseValue(m[1]);
    };
    const a = await storeCapture(context, 'heap', '&gc=1');
    const ta = await total(a);
    const deadline = Date.now() + 20000;
    for (;;) {
        const b = await storeCapture(context, 'heap', '&gc=1');
        if (await total(b) > ta) {
            return [a, b];
        }
        assert(Date.now() < deadline, 'the heap profile did not grow within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

// Tab until the focused element is what want() accepts (at most 200
// presses; what names it): what is focused, with its focus drawn (for
// a node of the graph its box's stroke, and another node's)
async function tabTo(page, want, what) {
    for (let i = 0; i < 200; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
            const e = document.activeElement;
            if (!e || e === document.body) {
                return null;
            }
            const node = e.closest('svg.callgraph g.node');
            const width = (g) => g && parseFloat(getComputedStyle(g.querySelector('rect')).strokeWidth);
            const other = node && Array.from(document.querySelectorAll('svg.callgraph g.node')).find((g) => g !== node);
            return {
                tag: e.tagName, name: e.getAttribute('name'), href: e.getAttribute('href'),
                inGraph: !!node, title: node && node.querySelector('title').textContent,
                strokeWidth: width(node), restWidth: other ? width(other) : 1,
            };
        });
        if (f && want(f)) {
            return f;
        }
    }
    throw new Error(`200 Tab presses never reached ${what}`);
}

// a peek page's tables: per matching function, its rows in order (kind
// caller/self/callee, the name without its arrow, the values)
async function peekRows(page) {
    return page.locator('table.peek tbody').evaluateAll((tbs) => tbs.map((tb) =>
        Array.from(tb.rows, (tr) => {
            const cells = Array.from(tr.cells, (td) => td.textContent.trim());
            const name = cells.pop().replace(/^[↑↓]\s*/, '');
            return [tr.className, ...cells.filter(Boolean), name].join(' ');
        })));
}

// the same from go tool pprof -peek's text: blocks between the dashed
// lines, callers above the function's own line (five values), callees
// below
function textPeekRows(text) {
    const blocks = [];
    let block = null;
    let self = false;
    for (const line of text.split('\n')) {
        if (/^-+\+-+$/.test(line)) {
            if (block && block.length) {
                blocks.push(block);
            }
            block = [];
            self = false;
            continue;
        }
        const bar = line.indexOf('|');
        if (!block || bar < 0 || /calls%/.test(line)) {
            continue;
        }
        const values = line.slice(0, bar).trim().split(/\s+/).filter(Boolean);
        const name = line.slice(bar + 1).trim();
        const kind = values.length === 5 ? 'self' : self ? 'callee' : 'caller';
        self = self || kind === 'self';
        block.push([kind, ...values, name].join(' '));
    }
    return blocks;
}

// a regular expression matching exactly this name
function exactly(name) {
    return '^' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$';
}

// the top table's names as the text top (format=top) of the page's own
// arguments prints them, in order, as many as the page shows
async function assertTopIsText(page, what) {
    const rows = (await topRows(page)).map((r) => r[5]);
    const url = new URL(page.url());
    url.searchParams.set('format', 'top');
    const r = await page.request.get(url.href, { timeout: NAV_TIMEOUT });
    assert(r.status() === 200, `${what}: the text top: status ${r.status()}`);
    const want = textTopNames(await r.text());
    assert(rows.length >= 1 && rows.length === Math.min(want.length, rows.length)
        && JSON.stringify(rows) === JSON.stringify(want.slice(0, rows.length)),
        `${what}: the rows differ from the text top:\n${JSON.stringify(rows)}\n${JSON.stringify(want)}`);
    return rows;
}

// pprof's dotColor (graph/dotgraph.go) for a score in -1..1: red for
// positive, green for negative, grey near 0; the box's fill (background)
// paler than its border
function pprofColor(score, background) {
    let sat = background ? 0.1 : 1.0;
    const val = background ? 0.93 : 0.7;
    let s = score >= -1 ? Math.min(score, 1) : -1;
    if (Math.abs(s) < 0.2) {
        sat *= Math.abs(s) / 0.2;
    }
    s = Math.sign(s) * Math.pow(Math.abs(s), 1 - 0.7);
    const rg = s < 0 ? [val * (1 + sat * s), val] : [val, val * (1 - sat * s)];
    return [...rg, val * (1 - sat)].map((c) => Math.floor(c * 255));
}

// a page on the phone: no wider than its screen, no console errors
// (but the status Chromium logs for an error page), more checks on it,
// a screenshot
async function onPhone(context, url, name, more) {
    const page = await newPage(context);
    const resp = await goto(page, url);
    await assertNoPageOverflow(page, `${name} at 390 px`);
    await assertNamesReadable(page, `${name} at 390 px`);
    if (more) {
        await more(page);
    }
    const other = page.consoleErrors.filter((e) => !new RegExp(`status of ${resp.status()}\\b`).test(e));
    assert(other.length === 0, `${name} at 390 px: console errors: ` + JSON.stringify(other));
    await screenshot(page, 'phone-' + name);
    await page.close();
}

// the capture a page shows
async function captureOf(page) {
    return (await page.locator('.store code').first().innerText()).trim();
}

// BROWSER_ONLY="11 14": only the checks so numbered run (the others are
// not counted), e.g. with BROWSER_BREAK
const ONLY = (process.env.BROWSER_ONLY || '').split(/[\s,]+/).filter(Boolean);

async function check(name, fn) {
    if (ONLY.length && !ONLY.includes(name.split(' ')[0])) {
        return;
    }
    const t0 = Date.now();
    let timer;
    try {
        await Promise.race([
            fn(),
            new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`check timed out after ${CHECK_TIMEOUT} ms`)),
                    CHECK_TIMEOUT);
            }),
        ]);
        passed++;
        console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
        failed++;
        console.log(`FAIL ${name} (${Date.now() - t0} ms)`);
        for (const line of String(e && e.stack || e).split('\n').slice(0, 6)) {
            console.log('     ' + line);
        }
    } finally {
        clearTimeout(timer);
    }
}

async function main() {
    const t0 = Date.now();
    fs.mkdirSync(OUT, { recursive: true });

    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run'],
        timeout: 30000,
    });
    const contextOptions = { viewport: { width: 1280, height: 900 }, acceptDownloads: true };
    const ctx = await browser.newContext(contextOptions);
    const noJs = await browser.newContext({ ...contextOptions, javaScriptEnabled: false });
    // a phone: 390 CSS pixels wide, the viewport meta tag applies
    const phone = await browser.newContext({
        viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
        deviceScaleFactor: 2,
    });
    for (const c of [ctx, noJs, phone]) {
        c.setDefaultTimeout(ACTION_TIMEOUT);
        c.setDefaultNavigationTimeout(NAV_TIMEOUT);
        await sabotage(c);
    }
    if (BREAK) {
        console.log(`# BROWSER_BREAK=${BREAK}: every page is served broken`);
    }
    console.log(`# ${await browser.version()} against ${BASE}`);

    // 1. the heap profile as a browser asks for it: the top table
    await check('1 heap: top table, title, no console errors, same-origin requests', async () => {
        const page = await newPage(ctx);
        const resp = await goto(page, PPROF + 'heap');
        assert(resp.status() === 200, `status ${resp.status()}`);
        const ct = resp.headers()['content-type'] || '';
        assert(/^text\/html/.test(ct), `content-type "${ct}"`);
        const title = await page.title();
        assert(/heap/.test(title), `title "${title}" does not contain "heap"`);
        const rows = await topRows(page);
        assert(rows.length >= 1, 'no function rows in the top table');
        assert(rows[0].length === 6, `first row has ${rows[0].length} cells, want 6`);
        assert(/\w/.test(rows[0][5]), `first row has no function name: ${JSON.stringify(rows[0])}`);
        parseValue(rows[0][0]);
        assert(/%$/.test(rows[0][1]), `flat% cell "${rows[0][1]}"`);
        // the rendering has settled: nothing else is requested
        await page.waitForLoadState('networkidle', { timeout: NAV_TIMEOUT });
        noConsoleErrors(page);
        assert(page.requests.length >= 1, 'no request was recorded');
        const off = offOrigin(page.requests);
        assert(off.length === 0, 'requests leaving the origin: ' + JSON.stringify(off));
        await screenshot(page, 'heap-top');
        await page.close();
    });

    // 2. the flame graph from the nav link; hover; zoom by a click
    // (alloc_space: every fetch is a new profile, and a function that
    // holds memory now may hold none at the next fetch; allocations since
    // the start stay)
    await check('2 flame graph: nav link, frames, hover title, zoom and reset', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?sample=alloc_space');
        await clickAndWait(page, page.locator('nav a', { hasText: /^Flame graph$/ }), /[?&]view=flame(&|$)/);
        assert(/sample=alloc_space/.test(page.url()), `the nav link lost the sample: ${page.url()}`);
        let fs = await frames(page);
        assertFramesDrawn(fs, 'flame view');
        for (const [i, f] of fs.entries()) {
            assert(await page.locator('.fg a').nth(i).isVisible(), `frame "${f.name}" is not visible`);
        }

        // hover the widest non-root frame: it is the one under the pointer,
        // drawn with the hover outline, and its title gives a percentage
        const idx = fs.reduce((best, f, i) =>
            (!f.root && (best < 0 || f.width > fs[best].width) ? i : best), -1);
        const frame = page.locator('.fg a').nth(idx);
        await frame.hover({ timeout: ACTION_TIMEOUT });
        const hovered = await page.evaluate(() => {
            const a = document.querySelector('.fg a:hover');
            return a && { title: a.title, outline: getComputedStyle(a).outlineStyle };
        });
        assert(hovered, 'no frame under the pointer after hover');
        assert(hovered.title === fs[idx].title, `hovered "${hovered.title}", want "${fs[idx].title}"`);
        assert(/\(\d+(\.\d+)?%\)/.test(hovered.title),
            `hovered frame's title has no percentage: ${JSON.stringify(hovered.title)}`);
        assert(hovered.outline === 'solid', `hover outline "${hovered.outline}"`);
        await screenshot(page, 'flame-hover');

        // zoom
        const fn = fs[idx].name;
        await clickAndWait(page, frame, /[?&]zoom=/);
        const url = new URL(page.url());
        assert(url.searchParams.get('zoom') === fn, `zoom=${url.searchParams.get('zoom')}, want ${fn}`);
        const note = await page.locator('main').innerText();
        assert(/Zoomed on/i.test(note) && note.includes(fn), `page does not say it is zoomed on ${fn}`);
        const reset = page.locator('a', { hasText: /^reset zoom$/ });
        assert(await reset.count() >= 1, 'no "reset zoom" link');
        fs = await frames(page);
        assertFramesDrawn(fs, `view zoomed on ${fn} ("${note.split('\n')[0]}")`);
        const top = fs.filter((f) => !f.root && f.top === Math.min(...fs.filter((g) => !g.root).map((g) => g.top)));
        assert(top.length === 1 && top[0].name === fn && top[0].stylePct > 99.9,
            `zoomed graph's first level is ${JSON.stringify(top.map((f) => [f.name, f.stylePct]))}, want [${fn}, 100%]`);
        await screenshot(page, 'flame-zoomed');

        await clickAndWait(page, reset.first(), (u) => /view=flame/.test(u) && !/zoom=/.test(u));
        assert(!(await page.locator('main').innerText()).includes('Zoomed on'), 'still zoomed after reset');
        noConsoleErrors(page);
        await page.close();
    });

    // 3. search by a plain form submit, no JavaScript: the server highlights
    await check('3 flame search: plain form submit highlights matches, reports %', async () => {
        const page = await newPage(noJs);
        await goto(page, PPROF + 'heap?view=flame&sample=alloc_space');
        const input = page.locator('form input[type=text][name=search]');
        await input.fill('main');
        const resp = await clickAndWait(page, page.locator('form:has(input[type=text][name=search]) button[type=submit]'), /[?&]search=main(&|$)/);
        const html = await resp.text();
        assert(/class="[^"]*\bm\b[^"]*"/.test(html), 'the server marked no frame as matched');
        const fs = await frames(page);
        assertFramesDrawn(fs, 'search view');
        const matched = fs.filter((f) => f.matched);
        assert(matched.length >= 1, 'no highlighted frame');
        for (const f of fs.filter((g) => !g.root)) {
            assert(f.matched === /main/.test(f.name),
                `frame "${f.name}" ${f.matched ? 'is' : 'is not'} highlighted`);
        }
        const plain = fs.find((f) => !f.root && !f.matched);
        assert(!plain || plain.background !== matched[0].background,
            `highlighted and plain frames have the same colour ${matched[0].background}`);
        assert(matched[0].background === 'rgb(178, 63, 208)',
            `highlighted frame's colour ${matched[0].background}`);
        const text = await page.locator('main').innerText();
        const m = /Matched [^:]*: ([\d.]+)% of total/.exec(text);
        assert(m, 'no "Matched ...: N% of total" on the page');
        const pct = parseFloat(m[1]);
        assert(pct > 0 && pct <= 100, `matched ${pct}%`);
        assert(await input.inputValue() === 'main', 'the search box lost its value');
        await screenshot(page, 'flame-search');
        await page.close();
    });

    // 3b. with JavaScript, typing highlights at once, before any submit
    await check('3b flame search: live highlight while typing (JavaScript)', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?view=flame');
        const before = await frames(page);
        assert(before.every((f) => !f.matched), 'frames highlighted before any search');
        await page.locator('#search').fill('main');
        const fs = await frames(page);
        assert(page.url().indexOf('search=') < 0, 'typing navigated');
        assert(fs.some((f) => f.matched), 'typing highlighted no frame');
        for (const f of fs.filter((g) => !g.root)) {
            assert(f.matched === /main/.test(f.name),
                `frame "${f.name}" ${f.matched ? 'is' : 'is not'} highlighted`);
        }
        await page.locator('#search').fill('');
        assert((await frames(page)).every((f) => !f.matched), 'clearing the box left highlights');
        noConsoleErrors(page);
        await page.close();
    });

    // 4. the sample-type switcher
    await check('4 sample switcher: alloc_space in the header', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap');
        const h1 = page.locator('header h1 small');
        const before = (await h1.innerText()).trim();
        assert(before !== 'alloc_space', `default sample is already ${before}`);
        await clickAndWait(page, page.locator('header .meta a', { hasText: /^alloc_space$/ }),
            /[?&]sample=alloc_space(&|$)/);
        const after = (await h1.innerText()).trim();
        assert(after === 'alloc_space', `header shows "${after}", want alloc_space`);
        const current = (await page.locator('header .meta strong').innerText()).trim();
        assert(current === 'alloc_space', `sample switcher's current is "${current}"`);
        const meta = await page.locator('header').innerText();
        assert(/Total:\s*\S+ alloc_space/.test(meta), 'Total does not name alloc_space');
        assert((await topRows(page)).length >= 1, 'no rows for alloc_space');
        noConsoleErrors(page);
        await screenshot(page, 'heap-alloc_space');
        await page.close();
    });

    // 5. sort by cum from the column header
    await check('5 sort by cum: header link, cum column descending', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?sample=alloc_space');
        const flatRows = await topRows(page);
        const flatCum = flatRows.map((r) => parseValue(r[3]));
        const flatSortedByCum = flatCum.every((v, i) => i === 0 || flatCum[i - 1] >= v);
        await clickAndWait(page, page.locator('table.top thead a', { hasText: /^cum/ }), /[?&]sort=cum(&|$)/);
        const rows = await topRows(page);
        assert(rows.length >= 2, `${rows.length} rows, need 2`);
        const cum = rows.map((r) => parseValue(r[3]));
        assert(cum[0] >= cum[1], `first row's cum ${rows[0][3]} < second's ${rows[1][3]}`);
        for (let i = 1; i < cum.length; i++) {
            assert(cum[i - 1] >= cum[i], `row ${i}: cum ${rows[i - 1][3]} before ${rows[i][3]}`);
        }
        const sortedTh = await page.locator('table.top thead th[aria-sort]').innerText();
        assert(/^cum/.test(sortedTh.trim()), `aria-sort is on "${sortedTh}", want cum`);
        if (flatSortedByCum) {
            console.log('     note: the flat order was already by cum; the order change is not shown');
        }
        noConsoleErrors(page);
        await screenshot(page, 'heap-sort-cum');
        await page.close();
    });

    // 6. goroutines grouped by stack
    await check('6 goroutine: groups with counts', async () => {
        const page = await newPage(ctx);
        const resp = await goto(page, PPROF + 'goroutine');
        assert(resp.status() === 200, `status ${resp.status()}`);
        const title = await page.title();
        assert(/goroutine/.test(title), `title "${title}"`);
        const groups = await page.locator('details.g').evaluateAll((ds) => ds.map((d) => ({
            count: d.querySelector('summary b') && d.querySelector('summary b').textContent.trim(),
            summary: d.querySelector('summary').textContent,
            frames: d.querySelectorAll('ol li').length,
        })));
        assert(groups.length >= 1, 'no goroutine groups');
        const note = await page.locator('main .note').first().innerText();
        const m = /(\d+)\s+goroutines? in\s+(\d+)\s+groups?/.exec(note);
        assert(m, `no "N goroutines in M groups": "${note}"`);
        const total = +m[1];
        assert(+m[2] === groups.length, `note says ${m[2]} groups, page has ${groups.length}`);
        let sum = 0;
        for (const [i, g] of groups.entries()) {
            assert(/^\d+$/.test(g.count || '') && +g.count >= 1, `group ${i}: count "${g.count}"`);
            assert(g.frames >= 1, `group ${i}: no stack frames`);
            assert(i === 0 || +groups[i - 1].count >= +g.count, `group ${i} is bigger than the one before`);
            const pct = /\s([\d.]+)%/.exec(g.summary);
            assert(pct, `group ${i}: no percentage in "${g.summary}"`);
            assert(Math.abs(+pct[1] - 100 * g.count / total) < 0.01,
                `group ${i}: ${g.count} of ${total} shown as ${pct[1]}%`);
            sum += +g.count;
        }
        // Go's goroutine profile can hold a goroutine with an empty stack
        // (seen here about one fetch in three): it counts in the total, is
        // in no group, and the note says "(N with no stack)"
        const nostack = /\((\d+) with no stack\)/.exec(note);
        const unstacked = nostack ? +nostack[1] : 0;
        assert(sum + unstacked === total,
            `groups hold ${sum} goroutines and ${unstacked} have no stack, the note says ${total}`);
        noConsoleErrors(page);
        await screenshot(page, 'goroutine');
        await page.close();
    });

    // 7. an RBAC denial, explained
    await check('7 forbidden: 502 page naming the RBAC rule', async () => {
        const page = await newPage(ctx);
        const resp = await goto(page, BASE + '/forbidden/debug/pprof/heap');
        assert(resp.status() === 502, `status ${resp.status()}`);
        const title = await page.title();
        assert(title === '502 Bad Gateway', `title "${title}"`);
        const text = await page.locator('body').innerText();
        assert(/nonResourceURLs/.test(text), 'the page does not name nonResourceURLs');
        assert(text.includes('/debug/pprof/*'), 'the page does not name /debug/pprof/*');
        assert(/403/.test(text), 'the page does not quote the 403');
        // Chromium logs the 502 itself; nothing else
        const other = page.consoleErrors.filter((e) => !/status of 502/.test(e));
        assert(other.length === 0, 'console errors: ' + JSON.stringify(other));
        await screenshot(page, 'forbidden');
        await page.close();
    });

    // 8. the raw link downloads the gzipped profile
    await check('8 raw link: a download starting 1f 8b', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap');
        const [download] = await Promise.all([
            page.waitForEvent('download', { timeout: NAV_TIMEOUT }),
            page.locator('nav a', { hasText: /^raw$/ }).click(),
        ]);
        assert(/format=raw/.test(download.url()), `download url ${download.url()}`);
        const name = download.suggestedFilename();
        assert(/\.pb\.gz$/.test(name), `file name "${name}"`);
        const file = await Promise.race([
            download.path(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('download did not finish')), NAV_TIMEOUT)),
        ]);
        const bytes = fs.readFileSync(file);
        assert(bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b,
            `first bytes ${bytes.subarray(0, 2).toString('hex')}, want 1f8b`);
        assert(zlib.gunzipSync(bytes).length > 0, 'empty profile');
        assert(page.url() === PPROF + 'heap', `the page navigated to ${page.url()}`);
        noConsoleErrors(page);
        await download.delete();
        await page.close();
    });

    // 9. everything is rendered on the server: no JavaScript needed
    await check('9 JavaScript disabled: table and flame graph', async () => {
        const page = await newPage(noJs);
        await goto(page, PPROF + 'heap');
        const rows = await topRows(page);
        assert(rows.length >= 1, 'no function rows without JavaScript');
        await screenshot(page, 'nojs-top');
        await clickAndWait(page, page.locator('nav a', { hasText: /^Flame graph$/ }), /[?&]view=flame(&|$)/);
        const fs = await frames(page);
        assertFramesDrawn(fs, 'flame view without JavaScript');
        assert(await page.locator('.fg a.r').isVisible(), 'root frame not visible');
        // JavaScript is really off: typing changes no highlight
        const before = fs.map((f) => f.matched).join();
        await page.locator('#search').fill('main');
        assert((await frames(page)).map((f) => f.matched).join() === before,
            'typing changed the highlights with JavaScript disabled');
        noConsoleErrors(page);
        await screenshot(page, 'nojs-flame');
        await page.close();
    });

    // 11. the gateway's index, as a browser gets it
    const NAMES = ['allocs', 'block', 'cmdline', 'goroutine', 'heap', 'mutex',
        'profile', 'symbol', 'threadcreate', 'trace'];
    const VIEWS = ['allocs', 'block', 'goroutine', 'heap', 'mutex', 'threadcreate'];
    await check('11 index: every profile type, its views, raw, debug, forms, history', async () => {
        const page = await newPage(ctx);
        const resp = await goto(page, PPROF);
        assert(resp.status() === 200, `status ${resp.status()}`);
        assert(/^text\/html/.test(resp.headers()['content-type'] || ''), 'not HTML');
        assert((await page.locator('h1').innerText()).trim() === '/debug/pprof/', 'heading');
        const entries = await page.locator('ul.ix > li').evaluateAll((lis) => lis.map((li) => ({
            name: li.querySelector('h2').textContent.trim(),
            description: (li.querySelector('h2 + p') || { textContent: '' }).textContent.trim(),
            hrefs: Array.from(li.querySelectorAll('a'), (a) => a.getAttribute('href')),
            form: li.querySelector('form') && {
                action: li.querySelector('form').getAttribute('action'),
                max: li.querySelector('input[name=seconds]').getAttribute('max'),
                label: li.querySelector('label').textContent.trim(),
            },
        })));
        assert(JSON.stringify(entries.map((e) => e.name)) === JSON.stringify(NAMES),
            `entries ${JSON.stringify(entries.map((e) => e.name))}`);
        for (const e of entries) {
            assert(/^[A-Z].{10,}/.test(e.description), `${e.name}: description "${e.description}"`);
            if (e.name === 'profile' || e.name === 'trace') {
                assert(e.form && e.form.action === e.name && e.form.max === '60'
                    && /^Seconds/.test(e.form.label), `${e.name}: form ${JSON.stringify(e.form)}`);
                assert(e.hrefs.length === 0, `${e.name}: links ${e.hrefs}`);
                continue;
            }
            const want = [e.name, e.name + '?format=raw'];
            if (VIEWS.includes(e.name)) {
                want.push(e.name + '?view=top', e.name + '?view=flame', e.name + '?debug=1');
            }
            if (e.name === 'goroutine') {
                want.push('goroutine?view=goroutines', 'goroutine?debug=2');
            }
            for (const h of want) {
                assert(e.hrefs.includes(h), `${e.name}: no link ${h} in ${JSON.stringify(e.hrefs)}`);
            }
        }
        assert(await page.locator('a[href="?view=history"]').count() === 1, 'no history link');
        await screenshot(page, 'index');
        // a view from the index, then the APIServer's own index
        await clickAndWait(page, page.locator('a[href="heap?view=flame"]'), /heap\?view=flame$/);
        assertFramesDrawn(await frames(page), 'flame graph from the index');
        noConsoleErrors(page);
        // (the APIServer's page has no icon: Chromium logs its favicon's 404)
        await goto(page, PPROF);
        await clickAndWait(page, page.locator('a', { hasText: "The profiler's own index" }), /\?format=raw$/);
        assert(/Types of profiles available/.test(await page.content()), 'not the APIServer\'s index');
        await page.close();
    });

    // 12. the index by keyboard alone: Tab reaches the links and the form,
    // each with a visible focus ring
    await check('12 keyboard: Tab reaches the skip link, the views and the capture form, focus visible', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF);
        const seen = [];
        for (let i = 0; i < 120; i++) {
            await page.keyboard.press('Tab');
            const f = await page.evaluate(() => {
                const e = document.activeElement;
                if (!e || e === document.body) {
                    return null;
                }
                const cs = getComputedStyle(e);
                return {
                    tag: e.tagName, href: e.getAttribute('href'), name: e.getAttribute('name'),
                    text: e.textContent.trim(), form: e.form ? e.form.getAttribute('action') : null,
                    outline: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth),
                    visible: e.getBoundingClientRect().width > 0,
                };
            });
            if (!f) {
                break;
            }
            seen.push(f);
            assert(f.outline !== 'none' && f.outlineWidth >= 1,
                `focused ${f.tag} "${f.text || f.name}" has no visible focus (${f.outline} ${f.outlineWidth}px)`);
            assert(f.visible, `focused ${f.tag} "${f.text}" is not visible`);
            if (f.tag === 'BUTTON' && f.form === 'trace') {
                break;
            }
        }
        assert(seen.length && seen[0].href === '#main', `first stop ${JSON.stringify(seen[0])}`);
        const has = (p) => seen.some(p);
        assert(has((f) => f.href === 'heap?view=top'), 'Tab never reached heap?view=top');
        assert(has((f) => f.href === 'goroutine?debug=2'), 'Tab never reached goroutine?debug=2');
        assert(has((f) => f.tag === 'INPUT' && f.name === 'seconds' && f.form === 'profile'),
            'Tab never reached the profile form\'s seconds');
        assert(has((f) => f.tag === 'SELECT' && f.form === 'profile'), 'Tab never reached the view select');
        assert(has((f) => f.tag === 'BUTTON' && f.form === 'profile' && f.text === 'Capture'),
            'Tab never reached the Capture button');
        // the skip link moves the focus into the content
        await goto(page, PPROF);
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        assert(/#main$/.test(page.url()), `skip link went to ${page.url()}`);
        await page.close();
    });

    // 13. the capture form: its bound, then seconds=1 by keyboard
    await check('13 capture form: bounded by pprof_max_seconds, seconds=1 opens the CPU profile', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF);
        const form = page.locator('form[action="profile"]');
        const input = form.locator('input[name=seconds]');
        const max = await input.getAttribute('max');
        assert(max === '60', `max="${max}", want the demo's pprof_max_seconds 60`);
        await input.fill(String(+max + 1));
        assert(!(await input.evaluate((e) => e.checkValidity())), `${+max + 1} seconds is valid in the form`);
        const refused = await page.request.get(PPROF + `profile?seconds=${+max + 1}&view=top`);
        assert(refused.status() === 400, `the server answers ${refused.status()} to ${+max + 1} seconds`);
        await input.fill('1');
        await input.focus();
        const resp = await pressAndWait(page, page.keyboard, /\/profile\?seconds=1&view=top$/, 'the capture form');
        assert(resp && resp.status() === 200, `status ${resp && resp.status()}`);
        const title = await page.title();
        assert(/^profile .* top$/.test(title), `title "${title}"`);
        const header = await page.locator('header').innerText();
        assert(/Type:\s*cpu\/nanoseconds/.test(header), `not a CPU profile: ${header.split('\n').slice(0, 4)}`);
        assert(/Duration:\s*1(\.\d+)?s/.test(header), 'not a 1 s capture');
        noConsoleErrors(page);
        await screenshot(page, 'index-captured');
        await page.close();
    });

    // 14. a phone: nothing wider than the screen
    await check('14 phone (390 px): no page wider than the screen', async () => {
        const page = await newPage(phone);
        for (const u of ['', 'heap', 'heap?view=flame', 'heap?sort=cum&nodecount=0',
            'goroutine', 'goroutine?debug=1', '?view=history']) {
            await goto(page, PPROF + u);
            const m = await page.evaluate(() => ({
                inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
            }));
            assert(m.inner === 390, `${u || 'index'}: innerWidth ${m.inner}, want 390`);
            assert(m.scroll <= m.inner, `${u || 'index'}: ${m.scroll} px wide on a ${m.inner} px screen`);
            await assertNamesReadable(page, u || 'index');
            if (u === '' || u === 'heap' || u === '?view=history') {
                await screenshot(page, 'phone-' + (u.replace(/\W+/g, '-') || 'index'));
            }
        }
        noConsoleErrors(page);
        await page.close();
    });

    // 15. the link to this view reproduces it
    await check('15 link to this view: the options shown, the same page again', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?sample=alloc_space&sort=cum&nodecount=5');
        const here = page.locator('header .here');
        const text = await here.innerText();
        for (const want of [/View:\s*top/, /sample:\s*alloc_space/, /sort:\s*cum/, /rows:\s*5/]) {
            assert(want.test(text), `"${text}" does not show ${want}`);
        }
        const link = here.locator('a[rel=bookmark]');
        assert((await link.innerText()).trim() === 'link to this view', 'no "link to this view"');
        await clickAndWait(page, link, /[?&]nodecount=5/);
        const q = new URL(page.url()).searchParams;
        for (const [k, v] of [['sample', 'alloc_space'], ['sort', 'cum'], ['nodecount', '5'], ['view', 'top']]) {
            assert(q.get(k) === v, `the link has ${k}=${q.get(k)}, want ${v}`);
        }
        const sorted = await page.locator('table.top thead th[aria-sort]').innerText();
        assert(/^cum/.test(sorted.trim()), `reproduced page sorted by "${sorted}"`);
        assert((await page.locator('header h1 small').innerText()).trim() === 'alloc_space',
            'reproduced page lost the sample type');
        const rows = await topRows(page);
        assert(rows.length >= 1 && rows.length <= 5, `${rows.length} rows, want 1..5`);
        noConsoleErrors(page);
        await page.close();
    });

    // 16. a diff of two stored heap captures: the differential flame graph
    await check('16 differential flame graph: colours by change, hover B/A/delta, legend, links keep the base', async () => {
        const [a, b] = await heapCaptures(ctx);
        const page = await newPage(ctx);
        // alloc_space only grows between two captures of a live process
        await goto(page, PPROF + `heap?capture=${b}&base=${a}&view=flame&sample=alloc_space`);
        const fs = await frames(page);
        assertFramesDrawn(fs, 'differential flame graph');

        // the legend: its swatches are the frames' colours
        const legend = page.locator('#diff-legend');
        assert(await legend.count() === 1, 'no legend (#diff-legend)');
        const ltext = await legend.innerText();
        for (const w of ['grew', 'shrank', 'new', 'unchanged', a, b]) {
            assert(ltext.includes(w), `legend does not say "${w}": ${ltext}`);
        }
        const sw = await legend.locator('.sw').evaluateAll((ss) => Object.fromEntries(
            ss.map((s) => [s.className.replace('sw ', ''), getComputedStyle(s).backgroundImage !== 'none'
                ? getComputedStyle(s).backgroundImage : getComputedStyle(s).backgroundColor])));
        const rgb = (c) => (/rgb\((\d+), (\d+), (\d+)\)/.exec(c) || []).slice(1).map(Number);
        for (let i = 1; i <= 5; i++) {
            const [gr, , gb] = rgb(sw['g' + i]);
            const [sr, , sb] = rgb(sw['s' + i]);
            assert(gr > gb && sb > sr, `swatch ${i}: grew ${sw['g' + i]} is not red or shrank ${sw['s' + i]} not blue`);
        }

        // every frame: its title gives B, A and the delta, and its colour
        // is the legend's for that change (red grew, blue shrank, new, grey)
        const cls = await page.locator('.fg a').evaluateAll((as) => as.map((x) => x.className));
        const tre = /B: (\S+), A: (\S+), delta: ([+-]\S+) \((new|[+-]\d+\.\d%)\)/;
        let kinds = new Set();
        for (const [i, f] of fs.entries()) {
            const m = tre.exec(f.title);
            assert(m, `frame "${f.name}" title without B/A/delta: ${JSON.stringify(f.title)}`);
            if (f.root) {
                continue;
            }
            const [vb, va, d] = [parseValue(m[1]), parseValue(m[2]), parseValue(m[3])];
            assert(Math.abs(vb - va - d) <= 0.01 * Math.max(Math.abs(vb), Math.abs(va), 1),
                `frame "${f.name}": B ${m[1]} - A ${m[2]} is not delta ${m[3]}`);
            const want = va === 0 ? 'gn' : d > 0 ? 'g' : d < 0 ? 's' : 'g0';
            assert(cls[i] === want || (want.length === 1 && new RegExp('^' + want + '[1-5]$').test(cls[i])),
                `frame "${f.name}" (${m[0]}) has class ${cls[i]}, want ${want}`);
            const bg = await page.locator('.fg a').nth(i).evaluate((x) => getComputedStyle(x).backgroundImage !== 'none'
                ? getComputedStyle(x).backgroundImage : getComputedStyle(x).backgroundColor);
            assert(bg === sw[cls[i]], `frame "${f.name}" is drawn ${bg}, the legend's ${cls[i]} is ${sw[cls[i]]}`);
            kinds.add(cls[i][0] + (cls[i] === 'gn' ? 'n' : cls[i] === 'g0' ? '0' : ''));
        }
        console.log(`  (frames by change: ${[...kinds].join(' ')})`);
        // (a first capture as the base: what grew may all be new)
        assert(kinds.has('g') || kinds.has('gn'), `no frame drawn as grown or new (alloc_space only grows): ${[...kinds]}`);

        // hover: the frame under the pointer shows both values and the delta
        const idx = fs.reduce((best, f, i) =>
            (!f.root && (best < 0 || f.width > fs[best].width) ? i : best), -1);
        await page.locator('.fg a').nth(idx).hover({ timeout: ACTION_TIMEOUT });
        const hovered = await page.evaluate(() => {
            const x = document.querySelector('.fg a:hover');
            return x && x.title;
        });
        assert(hovered && tre.test(hovered), `hovered title: ${JSON.stringify(hovered)}`);
        await screenshot(page, 'flame-diff');

        // the page names the base; its links and forms keep capture and base
        assert((await page.locator('.store').innerText()).includes(a), 'the store line does not name the base');
        await assertLinksKeep(page, { capture: b, base: a }, 'differential flame graph');
        await clickAndWait(page, page.locator('nav a', { hasText: /^Top$/ }), /[?&]base=/);
        const rows = await topRows(page);
        assert(rows.length > 0, 'the diff top table has no rows');
        noConsoleErrors(page);
        await page.close();
    });

    // 17. the call graph page at 1280 px: drawn, apart, readable, the
    // same graph as its DOT and SVG files
    await check('17 graph: nodes and edges drawn apart, as the DOT and SVG files of the capture', async () => {
        const page = await newPage(ctx);
        const resp = await goto(page, PPROF + 'heap?view=graph&sample=alloc_space');
        assert(resp.status() === 200, `status ${resp.status()}`);
        assert(/graph$/.test(await page.title()), `title "${await page.title()}"`);
        const current = (await page.locator('nav [aria-current=page]').innerText()).trim();
        assert(current === 'Graph', `the nav marks "${current}" as the current view`);
        const g = await callGraph(page);
        assertGraphDrawn(g, 'graph');
        await assertGraphReadable(page, g, 'graph at 1280 px');
        const legend = await page.locator('ul.legend').innerText();
        assert(/Type: alloc_space/.test(legend) && /Showing nodes accounting for/.test(legend),
            `legend "${legend}"`);
        const here = await page.locator('header .here').innerText();
        assert(/View:\s*graph/.test(here) && /sample:\s*alloc_space/.test(here), `"${here}" does not show the view`);
        assert(g.nodes.every((n) => n.href && /[?&]view=graph(&|$)/.test(n.href) && /[?&]focus=/.test(n.href)),
            'nodes without a link to the graph focused on them');

        // the DOT and SVG links of the page: the same capture's graph
        const capture = await captureOf(page);
        const dotHref = await page.locator('nav a', { hasText: /^DOT$/ }).getAttribute('href');
        const svgHref = await page.locator('nav a', { hasText: /^SVG$/ }).getAttribute('href');
        for (const h of [dotHref, svgHref]) {
            assert(h.includes(`capture=${capture}`) && h.includes('sample=alloc_space'), `link ${h}`);
        }
        const dr = await page.request.get(new URL(dotHref, page.url()).href, { timeout: NAV_TIMEOUT });
        assert(dr.status() === 200, `DOT: status ${dr.status()}`);
        const dot = parseDot(await dr.text());
        assertGraphIsDot(g, dot, 'graph against its DOT');
        console.log(`  (${g.nodes.length} nodes, ${g.edges.length} edges, ${g.width}x${g.height} px)`);
        noConsoleErrors(page);
        await screenshot(page, 'graph');

        // (an SVG document has no icon: Chromium logs its favicon's 404)
        page.consoleErrors = [];
        const file = await goto(page, new URL(svgHref, page.url()).href);
        assert(file.status() === 200 && /^image\/svg\+xml/.test(file.headers()['content-type'] || ''),
            `SVG file: ${file.status()} ${file.headers()['content-type']}`);
        const f = await callGraph(page);
        assertGraphDrawn(f, 'SVG file');
        assertGraphIsDot(f, dot, 'SVG file against the DOT');
        assert(page.consoleErrors.every((e) => /status of 404/.test(e)),
            'console errors: ' + JSON.stringify(page.consoleErrors));
        await page.close();
    });

    // 18. the call graph on a phone: the page stays 390 px, the graph
    // scrolls in its box at its own size
    await check('18 graph on a phone: the page no wider than the screen, the graph scrolls in its box', async () => {
        await onPhone(phone, PPROF + 'heap?view=graph&sample=alloc_space', 'graph', async (page) => {
            const g = await callGraph(page);
            assertGraphDrawn(g, 'graph on a phone');
            await assertGraphReadable(page, g, 'graph at 390 px');
            assert(g.width > g.box.clientWidth, `a ${g.width} px graph fits a ${g.box.clientWidth} px box: nothing to scroll`);
            // the first node can be brought into view by scrolling the box
            const n = page.locator('svg.callgraph g.nodes > g.node').first();
            await n.scrollIntoViewIfNeeded();
            assert(await n.isVisible(), 'the first node cannot be scrolled into view');
            await assertNoPageOverflow(page, 'graph at 390 px, scrolled');
        });
    });

    // 19. the graph by keyboard: the Nodes field, the link to this view,
    // then Tab to a node and Enter focuses the graph on it.  Focused on
    // the fake APIServer's allocation loop: with 6 nodes, whatever else the
    // heap holds (its startup CPU profile's buffers, flate's) can take the
    // few places the nodelets leave and draw no edge; one call chain always
    // draws one, whichever of its nodes are kept.
    await check('19 graph by keyboard: Nodes field, link to this view, Enter on a node focuses on it', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?view=graph&sample=alloc_space&focus=main%5C.workAlloc');
        const nodes = page.locator('form.refine input[name=nodecount]');
        await tabTo(page, (f) => f.tag === 'INPUT' && f.name === 'nodecount', 'the Nodes field');
        await page.keyboard.press('Control+A');
        await page.keyboard.type('6');
        await pressAndWait(page, page.keyboard, /[?&]nodecount=6(&|$)/, 'the Nodes field');
        assert(await nodes.inputValue() === '6', `the Nodes field shows ${await nodes.inputValue()}`);
        let g = await callGraph(page);
        assertGraphDrawn(g, 'graph with nodecount=6');
        assert(g.nodes.length <= 6, `${g.nodes.length} nodes with nodecount=6`);
        const here = page.locator('header .here');
        assert(/(rows|nodes):\s*6(?!\d)/.test(await here.innerText()), `"${await here.innerText()}" does not show 6 nodes`);

        // the link to this view: the same arguments, the same graph
        const before = new URL(page.url()).searchParams;
        const titles = g.nodes.map((n) => n.title).join('\n');
        await clickAndWait(page, here.locator('a[rel=bookmark]'), /[?&]view=graph(&|$)/);
        const after = new URL(page.url()).searchParams;
        for (const k of ['capture', 'sample', 'nodecount', 'view']) {
            assert(after.get(k) === (k === 'capture' ? (before.get(k) || after.get(k)) : before.get(k)),
                `the link to this view has ${k}=${after.get(k)}, the page ${before.get(k)}`);
        }
        assert(after.get('capture'), 'the link to this view names no capture');
        g = await callGraph(page);
        assert(g.nodes.map((n) => n.title).join('\n') === titles, 'the link to this view draws another graph');

        // Tab reaches the nodes, each with a visible focus; Enter follows
        const f = await tabTo(page, (x) => x.inGraph, 'a node of the graph');
        assert(f.strokeWidth >= 2 && f.strokeWidth > f.restWidth,
            `focused node ${f.title} is drawn as the others (stroke ${f.strokeWidth} vs ${f.restWidth})`);
        const name = splitTitle(f.title)[0];
        await pressAndWait(page, page.keyboard, /[?&]focus=%5E/, 'a focused node');
        const q = new URL(page.url()).searchParams;
        assert(q.get('focus') === exactly(name), `Enter on ${name} focused on ${q.get('focus')}`);
        assert(q.get('view') === 'graph' && q.get('nodecount') === '6' && q.get('sample') === 'alloc_space',
            `the node's link lost arguments: ${page.url()}`);
        g = await callGraph(page);
        assertGraphDrawn(g, `graph focused on ${name}`);
        assert(g.nodes.some((n) => splitTitle(n.title)[0] === name), `the graph focused on ${name} does not have it`);
        assert(/focus:/.test(await here.innerText()), 'the focused graph does not show its focus');
        noConsoleErrors(page);
        await screenshot(page, 'graph-focused');
        await page.close();
    });

    // 20. peek: callers and callees of the matching functions, as the
    // text go tool pprof -peek prints for the same capture
    await check('20 peek: callers and callees with flat/cum as the -peek text, focus shown and kept', async () => {
        // a function with callers and callees, from the capture's graph
        const r = await ctx.request.get(PPROF + 'heap?format=dot&sample=alloc_space', { timeout: NAV_TIMEOUT });
        assert(r.status() === 200, `DOT: status ${r.status()}`);
        const capture = r.headers()['x-pprof-capture'];
        const dot = parseDot(await r.text());
        const names = dot.nodes.map((n) => splitTitle(n.title)[0]);
        const ends = dot.edges.map((e) => /^(.*) (?:->|\.\.\.) (.*) \([^()]*\)$/.exec(e.title));
        const both = names.filter((n) => ends.some((e) => e[1] === n) && ends.some((e) => e[2] === n));
        assert(both.length, 'no function in the heap graph has both callers and callees');
        // one that calls an inlined function where there is one (the
        // peek of that callee then names fn with "(inline)")
        const fn = both.find((n) => dot.edges.some((e, i) => e.inline && ends[i][1] === n)) || both[0];
        const rx = exactly(fn);
        const url = `heap?capture=${capture}&view=peek&sample=alloc_space&focus=${encodeURIComponent(rx)}`;
        const page = await newPage(ctx);
        const resp = await goto(page, PPROF + url);
        assert(resp.status() === 200, `status ${resp.status()}`);
        const rows = await peekRows(page);
        const text = await page.request.get(PPROF + url + '&format=top', { timeout: NAV_TIMEOUT });
        const want = textPeekRows(await text.text());
        assert(JSON.stringify(rows) === JSON.stringify(want),
            `the peek tables differ from the -peek text:\n${JSON.stringify(rows)}\n${JSON.stringify(want)}`);
        assert(rows.length === 1, `${rows.length} functions match ${rx}`);
        const kinds = rows[0].map((x) => x.split(' ')[0]);
        assert(kinds.includes('caller') && kinds.includes('callee') && kinds.filter((k) => k === 'self').length === 1,
            `${fn}: rows ${JSON.stringify(rows[0])}`);
        assert(rows[0].find((x) => x.startsWith('self ')).endsWith(' ' + fn), `the function's own row is not ${fn}`);

        // the focus on the page, in its field, and in every link to a view
        const here = await page.locator('header .here').innerText();
        assert(/View:\s*peek/.test(here) && here.includes(rx), `"${here}" does not show peek and ${rx}`);
        assert(await page.locator('form.refine input[name=focus]').inputValue() === rx, 'the Peek field lost the focus');
        await assertLinksKeep(page, { capture, focus: rx }, 'peek',
            'a[href^="?"]:not(.refined a):not(table a)');
        await screenshot(page, 'peek');

        // a callee's link: the peek of that function, the rest kept
        const inlined = page.locator('table.peek tr.callee:has(small) a');
        const callee = (await inlined.count() ? inlined : page.locator('table.peek tr.callee a')).first();
        const cname = (await callee.innerText()).trim();
        console.log(`  (the peek of ${fn}, then of its callee ${cname}${await inlined.count() ? ', inlined' : ''})`);
        await clickAndWait(page, callee, /[?&]view=peek(&|$)/);
        const q = new URL(page.url()).searchParams;
        assert(new RegExp(q.get('focus')).test(cname) && q.get('sample') === 'alloc_space' && q.get('capture') === capture,
            `the callee link went to ${page.url()}`);
        const next = await peekRows(page);
        assert(next.some((b) => b.some((x) => x.startsWith('self ') && x.endsWith(' ' + cname))),
            `the peek of ${cname} does not have its own row`);
        // the caller's row ends "fn (inline)" where cname is inlined in it
        assert(next.some((b) => b.some((x) => x.startsWith('caller ')
                && x.replace(/ \(inline\)$/, '').endsWith(' ' + fn))),
            `the peek of ${cname} does not list ${fn} as a caller`);
        noConsoleErrors(page);
        await page.close();

        await onPhone(phone, PPROF + url, 'peek');
    });

    // 21. the refine form by keyboard: Hide, then Granularity, kept in
    // every view's link; the page as the text top of the same arguments
    await check('21 refine by keyboard: hide, granularity=lines, kept in every view and the link to this view', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?sample=alloc_space');
        const capture = await captureOf(page);
        await goto(page, PPROF + `heap?capture=${capture}&sample=alloc_space`);
        // hide the first row's function
        const first = (await topRows(page))[0][5];
        const hide = exactly(first);
        const hidden = (name) => name === first || name.startsWith(first + ' ');
        await tabTo(page, (f) => f.tag === 'INPUT' && f.name === 'hide', 'the Hide field');
        await page.keyboard.type(hide);
        await pressAndWait(page, page.keyboard, (u) => u.searchParams.get('hide') === hide, 'the Hide field');
        let rows = await assertTopIsText(page, `hide=${hide}`);
        assert(!rows.some(hidden), `hide=${hide} left the row ${first}`);
        assert(await page.locator('form.refine input[name=hide]').inputValue() === hide, 'the Hide field lost its value');
        assert((await page.locator('header .refined').innerText()).includes(`hide=${hide}`), `the page does not show hide=${hide}`);
        await assertLinksKeep(page, { capture, hide }, `hide=${hide}`, 'a[href^="?"]:not(.refined a)');

        // Granularity: the select by arrow keys, Apply by Enter
        await tabTo(page, (f) => f.tag === 'SELECT' && f.name === 'granularity', 'the Granularity select');
        const select = page.locator('form.refine select[name=granularity]');
        for (let i = 0; i < 5 && await select.inputValue() !== 'lines'; i++) {
            await page.keyboard.press('ArrowDown');
        }
        assert(await select.inputValue() === 'lines', `the select is at ${await select.inputValue()}`);
        await tabTo(page, (f) => f.tag === 'BUTTON', 'the Apply button');
        await pressAndWait(page, page.keyboard, /[?&]granularity=lines(&|$)/, 'the Apply button');
        rows = await assertTopIsText(page, 'granularity=lines');
        for (const r of rows) {
            assert(/^\S+ \S+:\d+( \(inline\))?$/.test(r) && !hidden(r), `row "${r}" is not "func file:line" or is hidden`);
        }
        const args = { capture, hide, granularity: 'lines' };
        await assertLinksKeep(page, args, 'granularity=lines', 'a[href^="?"]:not(.refined a)');
        const here = page.locator('header .here');
        assert(/granularity:\s*lines/.test(await here.innerText()), `"${await here.innerText()}" does not show the granularity`);
        const link = new URL(await here.locator('a[rel=bookmark]').getAttribute('href'), page.url()).searchParams;
        for (const [k, v] of Object.entries(args)) {
            assert(link.get(k) === v, `the link to this view has ${k}=${link.get(k)}`);
        }
        noConsoleErrors(page);
        await screenshot(page, 'refine-top');

        // the other views keep them
        await clickAndWait(page, page.locator('nav a', { hasText: /^Graph$/ }), /[?&]view=graph(&|$)/);
        const g = await callGraph(page);
        assertGraphDrawn(g, 'refined graph');
        const off = (name) => hidden(name) || !/:\d+/.test(name);
        assert(g.nodes.every((n) => !off(splitTitle(n.title)[0])),
            `the graph has ${g.nodes.map((n) => n.title).filter((t) => off(splitTitle(t)[0]))}`);
        await clickAndWait(page, page.locator('nav a', { hasText: /^Flame graph$/ }), /[?&]view=flame(&|$)/);
        const fs = await frames(page);
        assertFramesDrawn(fs, 'refined flame graph');
        assert(fs.every((f) => f.root || !off(f.name)),
            `the flame graph has ${fs.filter((f) => !f.root && off(f.name)).map((f) => f.name)}`);
        noConsoleErrors(page);
        await page.close();

        await onPhone(phone, PPROF + `heap?capture=${capture}&sample=alloc_space&nodecount=20&hide=${encodeURIComponent(hide)}&granularity=lines`,
            'refine-top');
    });

    // 22. every other refine field, one at a time: the page as the text
    // top of the same arguments, the option shown and kept in the links
    await check('22 refine: show, show_from, focus, ignore, tagfocus, tagignore each applied and kept', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?sample=alloc_space');
        const heap = await captureOf(page);
        await goto(page, PPROF + 'goroutine?view=top');
        const goroutine = await captureOf(page);
        const cases = [
            ['heap', heap, 'show', 'main\\.', (rows) => rows.every((r) => /main\./.test(r))],
            ['heap', heap, 'show_from', 'main\\.workAlloc', (rows) => rows.includes('main.allocBlock')
                && !rows.includes('runtime.goexit')],
            ['heap', heap, 'focus', 'allocBlock', (rows) => rows.includes('main.allocBlock')
                && rows.every((r) => /^main\.(allocBlock|workAlloc)$|^runtime\.goexit$/.test(r))],
            ['heap', heap, 'ignore', 'allocBlock', (rows) => !rows.includes('main.allocBlock')],
            ['goroutine', goroutine, 'tagfocus', 'role=park', (rows) => rows.includes('main.workPark')
                && !rows.includes('main.workContend')],
            ['goroutine', goroutine, 'tagignore', 'role=park', (rows) => !rows.includes('main.workPark')
                && rows.includes('main.workContend')],
        ];
        for (const [name, capture, field, value, expect] of cases) {
            const what = `${name} ${field}=${value}`;
            await goto(page, PPROF + `${name}?capture=${capture}&view=top${name === 'heap' ? '&sample=alloc_space' : ''}`);
            const before = await assertTopIsText(page, what + ' (before)');
            const input = page.locator(`form.refine input[name=${field}]`);
            await input.fill(value);
            await pressAndWait(page, input, (u) => u.searchParams.get(field) === value, `the ${field} field`);
            const rows = await assertTopIsText(page, what);
            assert(expect(rows), `${what}: rows ${JSON.stringify(rows)}`);
            assert(JSON.stringify(rows) !== JSON.stringify(before), `${what}: the same rows as without it`);
            assert(await input.inputValue() === value, `${what}: the field lost its value`);
            assert((await page.locator('header .refined').innerText()).includes(`${field}=${value}`),
                `${what}: the page does not show it`);
            await assertLinksKeep(page, { capture, [field]: value }, what, 'a[href^="?"]:not(.refined a)');
        }
        noConsoleErrors(page);
        await screenshot(page, 'refine-tagignore');
        await page.close();
    });

    // 23. a bad regular expression from the form: a 400 page that says
    // which field and why
    await check('23 refine: a bad regex gives a 400 page naming the field', async () => {
        const page = await newPage(ctx);
        await goto(page, PPROF + 'heap?sample=alloc_space');
        const input = page.locator('form.refine input[name=focus]');
        await input.fill('main(');
        const resp = await pressAndWait(page, input, /[?&]focus=main%28(&|$)/, 'the Focus field');
        assert(resp.status() === 400, `status ${resp.status()}`);
        assert(await page.title() === '400 Bad Request', `title "${await page.title()}"`);
        const reason = (await page.locator('main').innerText()).trim();
        assert(/^focus: bad regular expression: \S/.test(reason), `reason "${reason}"`);
        for (const arg of ['hide=[', 'show=*', 'show_from=(', 'ignore=)', 'tagfocus=role=(', 'tagignore=[']) {
            const r = await page.request.get(PPROF + 'heap?sample=alloc_space&' + arg.replace(/=(.*)$/, (m, v) => '=' + encodeURIComponent(v)),
                { headers: { Accept: 'text/html' }, timeout: NAV_TIMEOUT });
            const body = await r.text();
            const field = arg.split('=')[0];
            assert(r.status() === 400 && new RegExp(`<pre class="text">${field}: [^<]*(regular expression|regex)`).test(body),
                `${arg}: ${r.status()} ${body.slice(body.indexOf('<main'), body.indexOf('</main>'))}`);
        }
        // Chromium logs the 400 itself; nothing else
        const other = page.consoleErrors.filter((e) => !/status of 400/.test(e));
        assert(other.length === 0, 'console errors: ' + JSON.stringify(other));
        await screenshot(page, 'refine-bad-regex');
        await onPhone(phone, page.url(), 'refine-bad-regex');
        await page.close();
    });

    // 24. a diff's call graph: pprof's diff colouring, red for what grew,
    // green for what shrank, stronger for more
    await check('24 diff graph: nodes red where grown, green where shrunk, in pprof\'s colours for their change', async () => {
        const [a, b] = await heapCaptures(ctx);
        const page = await newPage(ctx);
        for (const [cap, base, grew] of [[b, a, true], [a, b, false]]) {
            const what = `capture=${cap}&base=${base}`;
            await goto(page, PPROF + `heap?${what}&view=graph&sample=alloc_space`);
            const g = await callGraph(page);
            assertGraphDrawn(g, what);
            const legend = await page.locator('ul.legend').innerText();
            const m = /of (\S+) total/.exec(legend);
            assert(m, `${what}: no total in the legend "${legend}"`);
            const total = Math.abs(parseValue(m[1]));
            let changed = 0;
            for (const n of g.nodes) {
                const v = parseValue(splitTitle(n.title)[1]);
                if (v !== 0) {
                    changed++;
                    assert((v > 0) === grew, `${what}: node ${n.title} ${grew ? 'shrank' : 'grew'} (alloc_space only grows)`);
                }
                // the value in the title is rounded: its colour to within 2
                for (const [got, bg] of [[n.stroke, false], [n.fill, true]]) {
                    const want = pprofColor(v / total, bg);
                    const rgb = [1, 3, 5].map((k) => parseInt(got.slice(k, k + 2), 16));
                    assert(rgb.every((c, k) => Math.abs(c - want[k]) <= 2),
                        `${what}: node ${n.title} of ${m[1]} is drawn ${got}, pprof draws rgb(${want})`);
                    assert(v === 0 || (v > 0 ? rgb[0] >= rgb[1] : rgb[1] >= rgb[0]),
                        `${what}: node ${n.title} is drawn ${got}, not ${v > 0 ? 'red' : 'green'}`);
                }
            }
            assert(changed > 0, `${what}: no node changed`);
            assert((await page.locator('.store').innerText()).includes(base), `${what}: the page does not name the base`);
            await assertLinksKeep(page, { capture: cap, base }, what);
            noConsoleErrors(page);
            await screenshot(page, grew ? 'graph-diff-grew' : 'graph-diff-shrank');
        }
        await page.close();
        await onPhone(phone, PPROF + `heap?capture=${b}&base=${a}&view=graph&sample=alloc_space`, 'graph-diff',
            async (small) => assertGraphReadable(small, await callGraph(small), 'diff graph at 390 px'));
    });

    // 10. nothing in the whole run went anywhere but the gateway
    await check('10 every request of the run stayed on the origin', async () => {
        assert(allRequests.length >= (ONLY.length ? 1 : 10), `only ${allRequests.length} requests recorded`);
        const off = offOrigin(allRequests);
        assert(off.length === 0, 'requests leaving the origin: ' + JSON.stringify(off));
    });

    await browser.close();
    console.log(`# ${allRequests.length} requests, ${shot} screenshots in ${OUT}, ${Date.now() - t0} ms`);
}

main().then(() => {
    console.log(`browser: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}, (e) => {
    console.log(String(e && e.stack || e));
    console.log(`browser: ${passed} passed, ${failed + 1} failed`);
    process.exit(1);
});
