// Posts the diff as the pull request's netpol-scope comment, or updates the one posted before (found by
// the marker line the markdown starts with), through the GitHub REST API:
// https://docs.github.com/en/rest/issues/comments
//   node sticky-comment.mjs netpol-scope-diff.md netpol-scope-diff.json
// Environment: GITHUB_API_URL, GITHUB_REPOSITORY, PR_NUMBER, GITHUB_TOKEN. A pull request without
// reachability changes gets no new comment; an earlier one is updated to say so.
import { readFileSync } from 'node:fs';

const [markdownFile, jsonFile] = process.argv.slice(2);
const body = readFileSync(markdownFile, 'utf8');
const marker = body.split('\n')[0];
const summary = JSON.parse(readFileSync(jsonFile, 'utf8')).summary;
const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';
const repo = process.env.GITHUB_REPOSITORY;
const pr = process.env.PR_NUMBER;
const headers = {
  accept: 'application/vnd.github+json',
  authorization: `Bearer ${process.env.GITHUB_TOKEN}`,
  'x-github-api-version': '2022-11-28',
  'content-type': 'application/json',
};

async function request(method, path, payload) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    ...(payload ? { body: JSON.stringify(payload) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

let existing;
for (let page = 1; !existing; page++) {
  const comments = await request('GET', `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`);
  existing = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(marker));
  if (comments.length < 100) break;
}
const changes = summary.added + summary.removed + summary.changed + summary.isolation;
if (existing) {
  await request('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, { body });
  console.log(`updated the netpol-scope comment ${existing.html_url ?? existing.id}`);
} else if (changes > 0) {
  const created = await request('POST', `/repos/${repo}/issues/${pr}/comments`, { body });
  console.log(`commented ${created.html_url ?? created.id}`);
} else {
  console.log('no reachability changes: no comment');
}
