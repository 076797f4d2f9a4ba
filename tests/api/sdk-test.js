'use strict';
/*
 * tmirror-apid driven by Huawei Cloud's official Node.js SDK
 * (@huaweicloud/huaweicloud-sdk-vpc, v3 VpcClient), unchanged: only the
 * endpoint points at the daemon.  If the SDK can do all of this against
 * tmirror-apid, so can any program written for Huawei Cloud's VPC v3
 * traffic-mirroring API.
 *
 * Every one of the 17 operations, with seed 002's objects (mirror-filter-A,
 * its inbound TCP rule, mirror-session-A) and more; pagination (limit,
 * marker, page_info) of the three lists; every query filter that the
 * SDK's List*Request models carry; the errors the SDK must surface as a
 * ClientRequestException with our error_code, error_msg and X-Request-Id
 * (400 naming the field, 404, 409, quotas, conflicts); isolation between
 * projects and keys; the signature (wrong secret, unknown key, clock
 * skew); concurrent requests.
 *
 * usage: node sdk-test.js     (tests/api/run.sh sets everything up)
 *
 * Environment:
 *   TMIRROR_API_ENDPOINT   http://127.0.0.1:PORT (no trailing slash)
 *   TMIRROR_API_AK/SK      key 1: may use TMIRROR_API_PROJECT and
 *                          TMIRROR_API_PROJECT2
 *   TMIRROR_API_AK2/SK2    key 2: may use TMIRROR_API_PROJECT2 only
 *   TMIRROR_API_PROJECT, TMIRROR_API_PROJECT2
 * The northbound database must hold seed 002's ports, port-ecs-source,
 * port-ecs-target and port-ecs-test (ports are not part of the API), and
 * should otherwise be empty.
 *
 * Prints "ok: ..." or "FAIL: ..." per check and ends with
 * "api-sdk: N passed, N failed"; exits 1 if anything failed.
 */

const util = require('util');
const crypto = require('crypto');

const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const { ClientRequestException } =
  require('@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException');
const v3 = require('@huaweicloud/huaweicloud-sdk-vpc').v3; // .VpcClient is v2

// The SDK logs every failed call to stdout (with the Authorization
// header); the checks below say what matters.
require('log4js').configure({
  appenders: { out: { type: 'stdout' } },
  categories: { default: { appenders: ['out'], level: 'off' } },
});

/* ---------------------------------------------------------------------- */
/* Configuration. */

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.log(`FAIL: environment variable ${name} is not set`);
    console.log('api-sdk: 0 passed, 1 failed');
    process.exit(1);
  }
  return v;
}
const ENDPOINT = env('TMIRROR_API_ENDPOINT').replace(/\/+$/, '');
const AK = env('TMIRROR_API_AK');
const SK = env('TMIRROR_API_SK');
const AK2 = env('TMIRROR_API_AK2');
const SK2 = env('TMIRROR_API_SK2');
const P1 = env('TMIRROR_API_PROJECT');
const P2 = env('TMIRROR_API_PROJECT2');
const TIMEOUT_MS = Number(process.env.TMIRROR_API_TIMEOUT_MS || 15000);

// Seed 002 (tests/system/lib.sh).
const PORT_SOURCE = 'port-ecs-source';
const PORT_TARGET = 'port-ecs-target';
const PORT_TEST = 'port-ecs-test';

// Names that can't collide with a previous run against the same daemon.
const TAG = crypto.randomBytes(3).toString('hex');

function makeClient({ ak = AK, sk = SK, project = P1 } = {}) {
  const cred = new BasicCredentials().withAk(ak).withSk(sk);
  if (project !== null) {
    cred.withProjectId(project); // set: no IAM lookup, no {project_id} left
  }
  return v3.VpcClient.newBuilder()
    .withCredential(cred)
    .withEndpoint(ENDPOINT) // never withRegion(): that calls Huawei's IAM
    // customUserAgent: no $HOME/.huaweicloud/application_id.
    .withOptions({ customUserAgent: 'tmirror-api-tests',
                   axiosRequestConfig: { timeout: TIMEOUT_MS } })
    .build();
}

/* ---------------------------------------------------------------------- */
/* A tiny harness. */

let passed = 0;
let failed = 0;

function ok(name) {
  passed++;
  console.log(`ok: ${name}`);
}
function fail(name, why) {
  failed++;
  console.log(`FAIL: ${name}${why ? ` (${why})` : ''}`);
}
function check(name, cond, why) {
  if (cond) {
    ok(name);
  } else {
    fail(name, typeof why === 'function' ? why() : why);
  }
  return !!cond;
}
function show(x) {
  return util.inspect(x, { depth: 4, breakLength: Infinity });
}
function eq(name, actual, expected) {
  return check(name, util.isDeepStrictEqual(actual, expected),
               () => `got ${show(actual)}, expected ${show(expected)}`);
}
function describeError(e) {
  if (e && e.httpStatusCode !== undefined) {
    return `${e.name} ${e.httpStatusCode} ${e.errorCode}: ${e.errorMsg}`;
  }
  return `${e && e.name}: ${e && (e.errorMsg || e.message)}`;
}

/* Runs an SDK call that must succeed with HTTP 'status'; checks the
 * status and the response's request_id.  Returns the response, or null
 * (after a FAIL) if the call failed. */
async function expectOk(name, status, fn) {
  let r;
  try {
    r = await fn();
  } catch (e) {
    fail(`${name}: HTTP ${status}`, describeError(e));
    return null;
  }
  if (!check(`${name}: HTTP ${status}`, r && r.httpStatusCode === status,
             () => `got ${r && r.httpStatusCode}: ${show(r)}`)) {
    return null;
  }
  if (status === 204) {
    eq(`${name}: no body`, r, { httpStatusCode: 204 });
  } else {
    check(`${name}: request_id in the body`,
          typeof r.request_id === 'string' && r.request_id.length > 0,
          () => `got ${show(r.request_id)}`);
  }
  return r;
}

/* Runs an SDK call that must fail with a ClientRequestException whose
 * httpStatusCode is 'status' (or one of them), whose errorCode is
 * Huawei-shaped (from our error_code), whose errorMsg is ours (not axios's
 * fallback) and matches 'msg' if given, and whose requestId came from
 * X-Request-Id.  Returns the exception or null. */
async function expectError(name, status, fn, msg) {
  const statuses = [].concat(status);
  const label = `${name}: HTTP ${statuses.join(' or ')}`;
  let r;
  try {
    r = await fn();
  } catch (e) {
    if (!(e instanceof ClientRequestException)
        || !statuses.includes(e.httpStatusCode)) {
      fail(label, describeError(e));
      return null;
    }
    ok(label);
    check(`${name}: ClientRequestException with error_code`,
          typeof e.errorCode === 'string' && /^[A-Za-z]+\.[0-9]+$/.test(e.errorCode),
          () => `errorCode ${show(e.errorCode)}`);
    check(`${name}: error_msg from the body`,
          typeof e.errorMsg === 'string' && e.errorMsg.length > 0
          && !/^Request failed with status code/.test(e.errorMsg),
          () => `errorMsg ${show(e.errorMsg)}`);
    if (msg) {
      check(`${name}: error_msg matches ${msg}`, msg.test(e.errorMsg || ''),
            () => `errorMsg ${show(e.errorMsg)}`);
    }
    check(`${name}: requestId from X-Request-Id`,
          typeof e.requestId === 'string' && e.requestId.length > 0,
          () => `requestId ${show(e.requestId)}`);
    return e;
  }
  fail(label, `it succeeded: HTTP ${r && r.httpStatusCode} ${show(r)}`);
  return null;
}

/* A group of checks; an exception inside it (an object whose creation
 * failed, say) is one failure and the next group still runs. */
async function section(title, fn) {
  console.log(`# ${title}`);
  try {
    await fn();
  } catch (e) {
    fail(`${title}: stopped early`, e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e));
  }
}

function need(x, what) {
  if (!x) {
    throw new Error(`${what} is missing (an earlier check failed)`);
  }
  return x;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const ids = (list) => list.map((x) => x.id);

/* ---------------------------------------------------------------------- */
/* Request builders (the SDK's model classes, as a program would use them). */

function filterBody(name, description) {
  const o = new v3.CreateTrafficMirrorFilterOption().withName(name);
  if (description !== undefined) {
    o.withDescription(description);
  }
  return new v3.CreateTrafficMirrorFilterRequest().withBody(
    new v3.CreateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(o));
}

// 'f': {filter, direction, protocol, ethertype, action, priority,
// description, src, dst, sport, dport}
function ruleBody(f) {
  const o = new v3.CreateTrafficMirrorFilterRuleOption();
  if (f.filter !== undefined) o.withTrafficMirrorFilterId(f.filter);
  if (f.direction !== undefined) o.withDirection(f.direction);
  if (f.protocol !== undefined) o.withProtocol(f.protocol);
  if (f.ethertype !== undefined) o.withEthertype(f.ethertype);
  if (f.action !== undefined) o.withAction(f.action);
  if (f.priority !== undefined) o.withPriority(f.priority);
  if (f.description !== undefined) o.withDescription(f.description);
  if (f.src !== undefined) o.withSourceCidrBlock(f.src);
  if (f.dst !== undefined) o.withDestinationCidrBlock(f.dst);
  if (f.sport !== undefined) o.withSourcePortRange(f.sport);
  if (f.dport !== undefined) o.withDestinationPortRange(f.dport);
  return new v3.CreateTrafficMirrorFilterRuleRequest().withBody(
    new v3.CreateTrafficMirrorFilterRuleRequestBody().withTrafficMirrorFilterRule(o));
}

function ruleUpdate(id, f) {
  const o = new v3.UpdateTrafficMirrorFilterRuleOption();
  if (f.protocol !== undefined) o.withProtocol(f.protocol);
  if (f.ethertype !== undefined) o.withEthertype(f.ethertype);
  if (f.action !== undefined) o.withAction(f.action);
  if (f.priority !== undefined) o.withPriority(f.priority);
  if (f.description !== undefined) o.withDescription(f.description);
  if (f.src !== undefined) o.withSourceCidrBlock(f.src);
  if (f.dst !== undefined) o.withDestinationCidrBlock(f.dst);
  if (f.sport !== undefined) o.withSourcePortRange(f.sport);
  if (f.dport !== undefined) o.withDestinationPortRange(f.dport);
  return new v3.UpdateTrafficMirrorFilterRuleRequest(id).withBody(
    new v3.UpdateTrafficMirrorFilterRuleRequestBody().withTrafficMirrorFilterRule(o));
}

// 's': {name, description, filter, sources, target, targetType, vni,
// packetLength, priority, enabled, type}.  As the SDK types them for
// create: vni and packet_length are strings, enabled is "true"/"false".
function sessionBody(s) {
  const o = new v3.CreateTrafficMirrorSessionOption();
  if (s.name !== undefined) o.withName(s.name);
  if (s.description !== undefined) o.withDescription(s.description);
  if (s.filter !== undefined) o.withTrafficMirrorFilterId(s.filter);
  if (s.sources !== undefined) o.withTrafficMirrorSources(s.sources);
  if (s.target !== undefined) o.withTrafficMirrorTargetId(s.target);
  if (s.targetType !== undefined) o.withTrafficMirrorTargetType(s.targetType);
  if (s.vni !== undefined) o.withVirtualNetworkId(s.vni);
  if (s.packetLength !== undefined) o.withPacketLength(s.packetLength);
  if (s.priority !== undefined) o.withPriority(s.priority);
  if (s.enabled !== undefined) o.withEnabled(s.enabled);
  if (s.type !== undefined) o.withType(s.type);
  return new v3.CreateTrafficMirrorSessionRequest().withBody(
    new v3.CreateTrafficMirrorSessionRequestBody().withTrafficMirrorSession(o));
}

// Update: vni, packet_length and priority are numbers, enabled a string.
function sessionUpdate(id, s) {
  const o = new v3.UpdateTrafficMirrorSessionOption();
  if (s.name !== undefined) o.withName(s.name);
  if (s.description !== undefined) o.withDescription(s.description);
  if (s.filter !== undefined) o.withTrafficMirrorFilterId(s.filter);
  if (s.target !== undefined) o.withTrafficMirrorTargetId(s.target);
  if (s.targetType !== undefined) o.withTrafficMirrorTargetType(s.targetType);
  if (s.vni !== undefined) o.withVirtualNetworkId(s.vni);
  if (s.packetLength !== undefined) o.withPacketLength(s.packetLength);
  if (s.priority !== undefined) o.withPriority(s.priority);
  if (s.enabled !== undefined) o.withEnabled(s.enabled);
  return new v3.UpdateTrafficMirrorSessionRequest(id).withBody(
    new v3.UpdateTrafficMirrorSessionRequestBody().withTrafficMirrorSession(o));
}

function sourcesBody(Req, Body, id, sources) {
  return new Req(id).withBody(new Body().withTrafficMirrorSession(
    new v3.TrafficMirrorSourcesOption().withTrafficMirrorSources(sources)));
}
const addSources = (id, sources) => sourcesBody(
  v3.AddSourcesToTrafficMirrorSessionRequest,
  v3.AddSourcesToTrafficMirrorSessionRequestBody, id, sources);
const removeSources = (id, sources) => sourcesBody(
  v3.RemoveSourcesFromTrafficMirrorSessionRequest,
  v3.RemoveSourcesFromTrafficMirrorSessionRequestBody, id, sources);

/* ---------------------------------------------------------------------- */
/* Shared checks. */

function checkFilterShape(name, f, project) {
  check(`${name}: filter has an id`, typeof f.id === 'string' && f.id.length > 0,
        () => show(f));
  eq(`${name}: project_id`, f.project_id, project);
  check(`${name}: ingress_rules and egress_rules are arrays`,
        Array.isArray(f.ingress_rules) && Array.isArray(f.egress_rules),
        () => show(f));
  check(`${name}: created_at and updated_at are UTC timestamps`,
        TIMESTAMP.test(f.created_at) && TIMESTAMP.test(f.updated_at),
        () => `${show(f.created_at)} ${show(f.updated_at)}`);
}

function checkRuleShape(name, r, project) {
  check(`${name}: rule has an id`, typeof r.id === 'string' && r.id.length > 0,
        () => show(r));
  eq(`${name}: project_id`, r.project_id, project);
  check(`${name}: priority is a number`, typeof r.priority === 'number',
        () => show(r.priority));
  check(`${name}: created_at and updated_at are UTC timestamps`,
        TIMESTAMP.test(r.created_at) && TIMESTAMP.test(r.updated_at),
        () => `${show(r.created_at)} ${show(r.updated_at)}`);
}

function checkSessionShape(name, s, project) {
  check(`${name}: session has an id`, typeof s.id === 'string' && s.id.length > 0,
        () => show(s));
  eq(`${name}: project_id`, s.project_id, project);
  check(`${name}: virtual_network_id, packet_length, priority are numbers`,
        typeof s.virtual_network_id === 'number' && typeof s.packet_length === 'number'
        && typeof s.priority === 'number',
        () => show(s));
  check(`${name}: enabled is a boolean`, typeof s.enabled === 'boolean',
        () => show(s.enabled));
  check(`${name}: created_at and updated_at are UTC timestamps`,
        TIMESTAMP.test(s.created_at) && TIMESTAMP.test(s.updated_at),
        () => `${show(s.created_at)} ${show(s.updated_at)}`);
}

function sameText(a, b) {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/* Lists everything with 'limit' per page, following next_marker, and
 * checks every page's page_info.  'list(limit, marker)' calls the SDK;
 * 'key' is the array's name in the response.  Returns the ids in order. */
async function paginate(name, list, key, limit) {
  const seen = [];
  let marker;
  let pages = 0;
  let pageOk = true;
  for (;;) {
    pages++;
    if (pages > 1000) {
      fail(`${name}: pagination ends`, 'more than 1000 pages');
      return null;
    }
    let r;
    try {
      r = await list(limit, marker);
    } catch (e) {
      fail(`${name}: page ${pages} (marker ${marker})`, describeError(e));
      return null;
    }
    const items = r[key];
    const pi = r.page_info;
    if (!Array.isArray(items) || !pi) {
      fail(`${name}: page ${pages} has ${key} and page_info`, show(r));
      return null;
    }
    const pids = ids(items);
    const why = [];
    if (items.length > limit) why.push(`${items.length} items for limit ${limit}`);
    if (pi.current_count !== items.length) why.push(`current_count ${show(pi.current_count)} for ${items.length} items`);
    if (items.length && pi.previous_marker !== pids[0]) why.push(`previous_marker ${show(pi.previous_marker)}, first id ${pids[0]}`);
    if (pi.next_marker !== undefined && pi.next_marker !== null && pi.next_marker !== pids[pids.length - 1]) {
      why.push(`next_marker ${show(pi.next_marker)}, last id ${pids[pids.length - 1]}`);
    }
    if (marker !== undefined && items.length === 0) why.push('an empty page after a next_marker');
    if (pi.next_marker && items.length < limit) why.push(`next_marker on a short page (${items.length} < ${limit})`);
    if (why.length) {
      pageOk = false;
      fail(`${name}: page ${pages} page_info`, why.join('; '));
    }
    seen.push(...pids);
    if (!pi.next_marker) {
      break;
    }
    marker = pi.next_marker;
  }
  if (pageOk) {
    ok(`${name}: ${pages} pages of at most ${limit}, page_info right on each`);
  }
  return seen;
}

/* ---------------------------------------------------------------------- */

const c1 = makeClient();
const st = {}; // what the sections create, for the later ones

async function filtersSection() {
  // Seed 002's filter.
  const r = await expectOk('create mirror-filter-A', 201,
    () => c1.createTrafficMirrorFilter(filterBody('mirror-filter-A', 'seed 002: inbound TCP to ECS-source port 1234')));
  const f = need(r && r.traffic_mirror_filter, 'mirror-filter-A');
  st.filterA = f.id;
  checkFilterShape('create mirror-filter-A', f, P1);
  eq('create mirror-filter-A: name and description',
     [f.name, f.description], ['mirror-filter-A', 'seed 002: inbound TCP to ECS-source port 1234']);
  eq('create mirror-filter-A: no rules yet', [f.ingress_rules, f.egress_rules], [[], []]);

  const s = await expectOk('show mirror-filter-A', 200,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(f.id)));
  if (s) {
    eq('show mirror-filter-A: what create returned', s.traffic_mirror_filter, f);
  }
  // A request can also be a plain object with the API's names.
  const p = await expectOk('show mirror-filter-A (plain request object)', 200,
    () => c1.showTrafficMirrorFilter({ traffic_mirror_filter_id: f.id }));
  if (p) {
    eq('show (plain request object): same filter', p.traffic_mirror_filter.id, f.id);
  }

  // A filter with no description: "" (as Huawei's examples).
  const nd = await expectOk('create a filter without description', 201,
    () => c1.createTrafficMirrorFilter(filterBody(`nodesc-${TAG}`)));
  if (nd) {
    eq('create without description: description is ""',
       nd.traffic_mirror_filter.description, '');
  }

  // Update: name and description; updated_at moves, created_at doesn't.
  const upd = need(nd && nd.traffic_mirror_filter, 'filter to update');
  await sleep(1100); // timestamps may have one-second resolution
  const u = await expectOk('update filter name and description', 200,
    () => c1.updateTrafficMirrorFilter(new v3.UpdateTrafficMirrorFilterRequest(upd.id).withBody(
      new v3.UpdateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(
        new v3.UpdateTrafficMirrorFilterOption().withName(`renamed-${TAG}`).withDescription('now described')))));
  if (u) {
    const uf = u.traffic_mirror_filter;
    eq('update filter: new name and description', [uf.id, uf.name, uf.description],
       [upd.id, `renamed-${TAG}`, 'now described']);
    eq('update filter: created_at unchanged', uf.created_at, upd.created_at);
    check('update filter: updated_at later than created_at',
          Date.parse(uf.updated_at) > Date.parse(upd.created_at),
          () => `created ${uf.created_at}, updated ${uf.updated_at}`);
  }
  // Update of the description alone leaves the name.
  const u2 = await expectOk('update filter description only', 200,
    () => c1.updateTrafficMirrorFilter(new v3.UpdateTrafficMirrorFilterRequest(upd.id).withBody(
      new v3.UpdateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(
        new v3.UpdateTrafficMirrorFilterOption().withDescription('')))));
  if (u2) {
    eq('update description only: name kept, description cleared',
       [u2.traffic_mirror_filter.name, u2.traffic_mirror_filter.description], [`renamed-${TAG}`, '']);
  }

  // Bad fields: 400, naming the field.
  await expectError('create filter with a 65-character name', 400,
    () => c1.createTrafficMirrorFilter(filterBody('n'.repeat(65))), /\bname\b/);
  await expectError('create filter with "<" in description', 400,
    () => c1.createTrafficMirrorFilter(filterBody(`bad-${TAG}`, 'a <b> c')), /description/);
  await expectError('create filter with a 256-character description', 400,
    () => c1.createTrafficMirrorFilter(filterBody(`bad-${TAG}`, 'd'.repeat(256))), /description/);
  await expectError('update filter with a 65-character name', 400,
    () => c1.updateTrafficMirrorFilter(new v3.UpdateTrafficMirrorFilterRequest(upd.id).withBody(
      new v3.UpdateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(
        new v3.UpdateTrafficMirrorFilterOption().withName('x'.repeat(65))))), /\bname\b/);
  const after = await c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(upd.id));
  eq('refused update changed nothing', after.traffic_mirror_filter.name, `renamed-${TAG}`);

  // Unknown ids: 404.
  const nope = '00000000-0000-4000-8000-000000000000';
  await expectError('show an unknown filter', 404,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(nope)));
  await expectError('update an unknown filter', 404,
    () => c1.updateTrafficMirrorFilter(new v3.UpdateTrafficMirrorFilterRequest(nope).withBody(
      new v3.UpdateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(
        new v3.UpdateTrafficMirrorFilterOption().withName('x')))));
  await expectError('delete an unknown filter', 404,
    () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(nope)));
  await expectError('show a filter by a malformed id', [400, 404],
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest('not-a-uuid')));

  // Delete: 204, then 404.
  await expectOk('delete filter', 204,
    () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(upd.id)));
  await expectError('show deleted filter', 404,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(upd.id)));
  await expectError('delete it again', 404,
    () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(upd.id)));
}

async function rulesSection() {
  const F = need(st.filterA, 'mirror-filter-A');

  // Seed 002's rule: inbound TCP 192.168.0.161/32 -> 192.168.0.230/32:1234.
  const r = await expectOk('create seed 002 inbound TCP rule', 201,
    () => c1.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'ingress', protocol: 'TCP', ethertype: 'IPv4', action: 'accept',
      priority: 1, description: 'ECS-test to ECS-source:1234',
      src: '192.168.0.161/32', dst: '192.168.0.230/32', dport: '1234-1234',
    })));
  const rule = need(r && r.traffic_mirror_filter_rule, 'seed 002 rule');
  st.ruleA = rule.id;
  st.ruleAProtocol = rule.protocol;
  checkRuleShape('create rule', rule, P1);
  eq('create rule: fields as sent',
     [rule.traffic_mirror_filter_id, rule.direction, rule.ethertype, rule.action, rule.priority,
      rule.description, rule.source_cidr_block, rule.destination_cidr_block, rule.destination_port_range],
     [F, 'ingress', 'IPv4', 'accept', 1, 'ECS-test to ECS-source:1234',
      '192.168.0.161/32', '192.168.0.230/32', '1234-1234']);
  check('create rule: protocol TCP (any case)', sameText(rule.protocol, 'tcp'), () => show(rule.protocol));
  check('create rule: no source port range (any)',
        rule.source_port_range === undefined || rule.source_port_range === null || rule.source_port_range === '',
        () => show(rule.source_port_range));

  const s = await expectOk('show rule', 200,
    () => c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(rule.id)));
  if (s) {
    eq('show rule: what create returned', s.traffic_mirror_filter_rule, rule);
  }
  const f = await expectOk('show mirror-filter-A with its rule', 200,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F)));
  if (f) {
    eq('filter embeds the rule in ingress_rules',
       [f.traffic_mirror_filter.ingress_rules, f.traffic_mirror_filter.egress_rules], [[rule], []]);
  }

  // An outbound IPv6 rule, lower-case enumerations as the spec's example.
  const r6 = await expectOk('create egress IPv6 ICMPv6 rule (lower-case ethertype)', 201,
    () => c1.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'egress', protocol: 'ICMPV6', ethertype: 'ipv6', action: 'reject',
      priority: 100, dst: 'fd00:1::/64',
    })));
  if (r6) {
    const x = r6.traffic_mirror_filter_rule;
    st.rule6 = x.id;
    eq('egress IPv6 rule: ethertype echoed as IPv6', x.ethertype, 'IPv6');
    check('egress IPv6 rule: protocol icmpv6 (any case)', sameText(x.protocol, 'icmpv6'), () => show(x.protocol));
    eq('egress IPv6 rule: fields', [x.direction, x.action, x.priority, x.destination_cidr_block, x.description],
       ['egress', 'reject', 100, 'fd00:1::/64', '']);
  }
  // Lower-case protocol and a port range on both sides.
  const ru = await expectOk('create ingress UDP rule with port ranges', 201,
    () => c1.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'ingress', protocol: 'udp', ethertype: 'IPv4', action: 'accept',
      priority: 20, src: '10.0.0.0/8', sport: '1000-2000', dport: '53-53',
    })));
  if (ru) {
    st.ruleUdp = ru.traffic_mirror_filter_rule.id;
    eq('UDP rule: port ranges', [ru.traffic_mirror_filter_rule.source_port_range,
                                 ru.traffic_mirror_filter_rule.destination_port_range], ['1000-2000', '53-53']);
  }
  // ALL, no addresses: match everything.
  const ra = await expectOk('create egress ALL rule without addresses', 201,
    () => c1.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'egress', protocol: 'ALL', ethertype: 'IPv4', action: 'accept', priority: 65535,
    })));
  if (ra) {
    st.ruleAll = ra.traffic_mirror_filter_rule.id;
    check('ALL rule: protocol all (any case)', sameText(ra.traffic_mirror_filter_rule.protocol, 'all'),
          () => show(ra.traffic_mirror_filter_rule.protocol));
  }

  // Bad fields: 400, naming the field.
  const base = { filter: F, direction: 'ingress', protocol: 'TCP', ethertype: 'IPv4', action: 'accept', priority: 50 };
  const bad = [
    ['priority 0', { priority: 0 }, /priority/],
    ['priority 65536', { priority: 65536 }, /priority/],
    ['direction "inbound"', { direction: 'inbound' }, /direction/],
    ['protocol "sctp"', { protocol: 'sctp' }, /protocol/],
    ['ethertype "IPv5"', { ethertype: 'IPv5' }, /ethertype/],
    ['action "drop"', { action: 'drop' }, /action/],
    ['source_cidr_block /33', { src: '192.168.0.1/33' }, /source_cidr_block/],
    ['source_cidr_block with host bits', { src: '192.168.0.1/24' }, /source_cidr_block/],
    ['destination_cidr_block "not-an-ip"', { dst: 'not-an-ip' }, /destination_cidr_block/],
    ['an IPv6 prefix on an IPv4 rule', { dst: 'fd00::/64' }, /destination_cidr_block|ethertype/],
    ['destination_port_range 2000-1000', { dport: '2000-1000' }, /destination_port_range/],
    ['source_port_range 0-10', { sport: '0-10' }, /source_port_range/],
    ['destination_port_range 1-65536', { dport: '1-65536' }, /destination_port_range/],
    ['a port range with ICMP', { protocol: 'ICMP', dport: '80-80' }, /destination_port_range|protocol/],
    ['ICMPv6 on IPv4', { protocol: 'ICMPV6' }, /protocol|ethertype/],
    ['no direction', { direction: undefined }, /direction/],
    ['no action', { action: undefined }, /action/],
    ['no priority', { priority: undefined }, /priority/],
    ['no traffic_mirror_filter_id', { filter: undefined }, /traffic_mirror_filter_id/],
    ['"<" in description', { description: '<script>' }, /description/],
  ];
  for (const [what, change, re] of bad) {
    await expectError(`create rule with ${what}`, 400,
      () => c1.createTrafficMirrorFilterRule(ruleBody({ ...base, ...change })), re);
  }
  await expectError('create rule in an unknown filter', [400, 404],
    () => c1.createTrafficMirrorFilterRule(ruleBody({ ...base, filter: '00000000-0000-4000-8000-000000000000' })),
    /traffic_mirror_filter/);
  await expectError('create rule with a priority its direction already uses', [400, 409],
    () => c1.createTrafficMirrorFilterRule(ruleBody({ ...base, priority: 1 })), /priority/);
  // The same priority in the other direction is fine.
  const other = await expectOk('the same priority in the other direction', 201,
    () => c1.createTrafficMirrorFilterRule(ruleBody({ ...base, direction: 'egress', priority: 1 })));
  if (other) {
    st.ruleEgress1 = other.traffic_mirror_filter_rule.id;
  }

  // Update: priority, action, description; the rest stays.
  const u = await expectOk('update rule priority, action, description', 200,
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(rule.id, { priority: 2, action: 'reject', description: 'now reject' })));
  if (u) {
    const x = u.traffic_mirror_filter_rule;
    eq('update rule: changed fields', [x.id, x.priority, x.action, x.description], [rule.id, 2, 'reject', 'now reject']);
    eq('update rule: other fields kept',
       [x.traffic_mirror_filter_id, x.direction, x.ethertype, x.source_cidr_block, x.destination_cidr_block,
        x.destination_port_range, x.created_at],
       [F, 'ingress', 'IPv4', '192.168.0.161/32', '192.168.0.230/32', '1234-1234', rule.created_at]);
  }
  const u2 = await expectOk('update rule back to seed 002 (priority 1, accept)', 200,
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(rule.id, { priority: 1, action: 'accept', description: 'ECS-test to ECS-source:1234' })));
  if (u2) {
    eq('update rule back: priority and action', [u2.traffic_mirror_filter_rule.priority,
                                               u2.traffic_mirror_filter_rule.action], [1, 'accept']);
  }
  await expectError('update rule to a priority its direction already uses', [400, 409],
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(rule.id, { priority: 20 })), /priority/);
  await expectError('update rule priority 65536', 400,
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(rule.id, { priority: 65536 })), /priority/);
  await expectError('update rule to ICMP while it has a port range', 400,
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(rule.id, { protocol: 'ICMP' })), /port_range|protocol/);
  await expectError('update rule with a bad source_cidr_block', 400,
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(rule.id, { src: '300.1.1.1/32' })), /source_cidr_block/);
  const unchanged = await c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(rule.id));
  eq('refused rule updates changed nothing',
     [unchanged.traffic_mirror_filter_rule.priority, unchanged.traffic_mirror_filter_rule.action,
      unchanged.traffic_mirror_filter_rule.source_cidr_block, unchanged.traffic_mirror_filter_rule.destination_port_range],
     [1, 'accept', '192.168.0.161/32', '1234-1234']);

  // Unknown ids.
  const nope = '00000000-0000-4000-8000-000000000000';
  await expectError('show an unknown rule', 404,
    () => c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(nope)));
  await expectError('update an unknown rule', 404,
    () => c1.updateTrafficMirrorFilterRule(ruleUpdate(nope, { priority: 3 })));
  await expectError('delete an unknown rule', 404,
    () => c1.deleteTrafficMirrorFilterRule(new v3.DeleteTrafficMirrorFilterRuleRequest(nope)));

  // Delete one: 204, gone from the filter too.
  const gone = need(st.ruleEgress1, 'egress priority-1 rule');
  await expectOk('delete rule', 204,
    () => c1.deleteTrafficMirrorFilterRule(new v3.DeleteTrafficMirrorFilterRuleRequest(gone)));
  await expectError('show deleted rule', 404,
    () => c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(gone)));
  const f2 = await c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F));
  check('deleted rule is gone from egress_rules',
        !ids(f2.traffic_mirror_filter.egress_rules).includes(gone)
        && ids(f2.traffic_mirror_filter.egress_rules).length === 2,
        () => show(ids(f2.traffic_mirror_filter.egress_rules)));
}

async function ruleQuotaSection() {
  // 10 inbound rules per filter; the 11th is refused; outbound still free.
  const fr = await expectOk('create filter for the rule quota', 201,
    () => c1.createTrafficMirrorFilter(filterBody(`quota-${TAG}`)));
  const F = need(fr && fr.traffic_mirror_filter, 'quota filter').id;
  st.quotaFilter = F;
  let made = 0;
  for (let i = 1; i <= 10; i++) {
    try {
      const r = await c1.createTrafficMirrorFilterRule(ruleBody({
        filter: F, direction: 'ingress', protocol: 'TCP', ethertype: 'IPv4', action: 'accept',
        priority: i * 10, dport: `${8000 + i}-${8000 + i}`,
      }));
      if (r.httpStatusCode === 201) made++;
    } catch (e) {
      console.log(`  rule ${i}: ${describeError(e)}`);
    }
  }
  eq('10 ingress rules created', made, 10);
  await expectError('the 11th ingress rule is refused', [400, 403, 409],
    () => c1.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'ingress', protocol: 'TCP', ethertype: 'IPv4', action: 'accept', priority: 500,
    })), /ingress|rules|quota/i);
  const f = await c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F));
  eq('still 10 ingress rules', f.traffic_mirror_filter.ingress_rules.length, 10);
  const eg = await expectOk('an egress rule still fits', 201,
    () => c1.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'egress', protocol: 'ALL', ethertype: 'IPv4', action: 'accept', priority: 1,
    })));
  check('egress rule created', !!eg);

  // Pagination of the rules of this filter: 11 rules, 3 per page.
  const all = await c1.listTrafficMirrorFilterRules(
    new v3.ListTrafficMirrorFilterRulesRequest().withTrafficMirrorFilterId(F));
  eq('list rules by filter: 11 rules', all.traffic_mirror_filter_rules.length, 11);
  check('list rules by filter: all of this filter',
        all.traffic_mirror_filter_rules.every((x) => x.traffic_mirror_filter_id === F));
  const paged = await paginate('rules of the quota filter, 3 per page',
    (limit, marker) => {
      const q = new v3.ListTrafficMirrorFilterRulesRequest().withTrafficMirrorFilterId(F).withLimit(limit);
      if (marker) q.withMarker(marker);
      return c1.listTrafficMirrorFilterRules(q);
    }, 'traffic_mirror_filter_rules', 3);
  if (paged) {
    eq('rule pages put together are the whole list, in order', paged, ids(all.traffic_mirror_filter_rules));
  }

  // Deleting a filter that no session uses deletes its rules.
  const some = f.traffic_mirror_filter.ingress_rules[0].id;
  await expectOk('delete the quota filter with its 11 rules', 204,
    () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(F)));
  await expectError('its rules are gone', 404,
    () => c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(some)));
  const left = await c1.listTrafficMirrorFilterRules(
    new v3.ListTrafficMirrorFilterRulesRequest().withTrafficMirrorFilterId(F));
  eq('list rules of the deleted filter: none', left.traffic_mirror_filter_rules, []);
}

async function sessionsSection() {
  const F = need(st.filterA, 'mirror-filter-A');

  // Seed 002's session, typed as the SDK types create (strings).
  const r = await expectOk('create mirror-session-A', 201,
    () => c1.createTrafficMirrorSession(sessionBody({
      name: 'mirror-session-A', description: 'seed 002', filter: F, sources: [PORT_SOURCE],
      target: PORT_TARGET, targetType: 'eni', vni: '1', packetLength: '96', priority: 1,
      enabled: 'true', type: 'eni',
    })));
  const s = need(r && r.traffic_mirror_session, 'mirror-session-A');
  st.sessionA = s.id;
  checkSessionShape('create mirror-session-A', s, P1);
  eq('create mirror-session-A: fields as sent',
     [s.name, s.description, s.traffic_mirror_filter_id, s.traffic_mirror_sources, s.traffic_mirror_target_id,
      s.traffic_mirror_target_type, s.virtual_network_id, s.packet_length, s.priority, s.enabled, s.type],
     ['mirror-session-A', 'seed 002', F, [PORT_SOURCE], PORT_TARGET, 'eni', 1, 96, 1, true, 'eni']);
  const sh = await expectOk('show mirror-session-A', 200,
    () => c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(s.id)));
  if (sh) {
    eq('show mirror-session-A: what create returned', sh.traffic_mirror_session, s);
  }

  // Defaults: VNI 1, packet length 96, disabled, type eni.
  const d = await expectOk('create session with defaults', 201,
    () => c1.createTrafficMirrorSession(sessionBody({
      name: `defaults-${TAG}`, filter: F, sources: [PORT_TEST], target: PORT_TARGET,
      targetType: 'eni', priority: 5,
    })));
  if (d) {
    const x = d.traffic_mirror_session;
    st.sessionD = x.id;
    eq('session defaults: VNI 1, packet_length 96, disabled, type eni, description ""',
       [x.virtual_network_id, x.packet_length, x.enabled, x.type, x.description], [1, 96, false, 'eni', '']);
  }

  // Update, typed as the SDK types update (numbers; enabled a string).
  const D = need(st.sessionD, 'defaults session');
  const u = await expectOk('update session: enabled, VNI, packet length, priority, name', 200,
    () => c1.updateTrafficMirrorSession(sessionUpdate(D, {
      enabled: 'true', vni: 16777215, packetLength: 1460, priority: 32766, name: `updated-${TAG}`, description: 'd2',
    })));
  if (u) {
    const x = u.traffic_mirror_session;
    eq('update session: new values',
       [x.id, x.enabled, x.virtual_network_id, x.packet_length, x.priority, x.name, x.description],
       [D, true, 16777215, 1460, 32766, `updated-${TAG}`, 'd2']);
    eq('update session: sources and target kept', [x.traffic_mirror_sources, x.traffic_mirror_target_id],
       [[PORT_TEST], PORT_TARGET]);
  }
  const u0 = await expectOk('update session: VNI 0, packet length 1, disable', 200,
    () => c1.updateTrafficMirrorSession(sessionUpdate(D, { vni: 0, packetLength: 1, enabled: 'false' })));
  if (u0) {
    eq('update session: lower bounds', [u0.traffic_mirror_session.virtual_network_id,
                                        u0.traffic_mirror_session.packet_length,
                                        u0.traffic_mirror_session.enabled], [0, 1, false]);
  }

  // Nothing stops a JS caller from passing other types than the SDK's
  // typings say: a boolean enabled, a string VNI on update.
  const ty = await expectOk('update session with enabled true (boolean) and VNI "5" (string)', 200,
    () => c1.updateTrafficMirrorSession(sessionUpdate(D, { enabled: true, vni: '5' })));
  if (ty) {
    eq('boolean and string accepted, answered as boolean and number',
       [ty.traffic_mirror_session.enabled, ty.traffic_mirror_session.virtual_network_id], [true, 5]);
  }
  await expectError('update session with packet_length [96] (an array)', 400,
    () => c1.updateTrafficMirrorSession(sessionUpdate(D, { packetLength: [96] })), /packet_length/);
  await expectError('create filter with a number as its name (plain object)', 400,
    () => c1.createTrafficMirrorFilter({ body: { traffic_mirror_filter: { name: 7 } } }), /\bname\b/);

  // Bad fields: 400 naming the field, nothing changed.
  const base = { name: `bad-${TAG}`, filter: F, sources: [PORT_TEST], target: PORT_TARGET, targetType: 'eni', priority: 9 };
  const bad = [
    ['priority 0', { priority: 0 }, /priority/],
    ['priority 32767', { priority: 32767 }, /priority/],
    ['packet_length 1461', { packetLength: '1461' }, /packet_length/],
    ['packet_length 0', { packetLength: '0' }, /packet_length/],
    ['packet_length "abc"', { packetLength: 'abc' }, /packet_length/],
    ['virtual_network_id 16777216', { vni: '16777216' }, /virtual_network_id/],
    ['virtual_network_id -1', { vni: '-1' }, /virtual_network_id/],
    ['enabled "maybe"', { enabled: 'maybe' }, /enabled/],
    ['traffic_mirror_target_type "vm"', { targetType: 'vm' }, /traffic_mirror_target_type/],
    ['type "elb"', { type: 'elb' }, /type/],
    ['no traffic_mirror_target_id', { target: undefined }, /traffic_mirror_target_id/],
    ['no traffic_mirror_filter_id', { filter: undefined }, /traffic_mirror_filter_id/],
    ['no priority', { priority: undefined }, /priority/],
    ['no traffic_mirror_sources', { sources: undefined }, /traffic_mirror_sources/],
    ['a 65-character name', { name: 'n'.repeat(65) }, /\bname\b/],
  ];
  for (const [what, change, re] of bad) {
    await expectError(`create session with ${what}`, 400,
      () => c1.createTrafficMirrorSession(sessionBody({ ...base, ...change })), re);
  }
  await expectError('create session with an unknown filter', [400, 404],
    () => c1.createTrafficMirrorSession(sessionBody({ ...base, filter: '00000000-0000-4000-8000-000000000000' })),
    /traffic_mirror_filter_id/);
  await expectError('create session with an unknown target port', [400, 404],
    () => c1.createTrafficMirrorSession(sessionBody({ ...base, target: 'port-nowhere' })), /traffic_mirror_target_id/);
  await expectError('create session with an unknown source port', [400, 404],
    () => c1.createTrafficMirrorSession(sessionBody({ ...base, sources: ['port-nowhere'] })), /traffic_mirror_sources|port-nowhere/);
  await expectError('create session whose target is a source', [400, 409],
    () => c1.createTrafficMirrorSession(sessionBody({ ...base, sources: [PORT_TARGET], target: PORT_TEST })),
    /traffic_mirror|source|target/);
  await expectError('create session sharing a source and a priority', [400, 409],
    () => c1.createTrafficMirrorSession(sessionBody({ ...base, sources: [PORT_SOURCE], priority: 1 })), /priority/);

  await expectError('update session packet_length 1461', 400,
    () => c1.updateTrafficMirrorSession(sessionUpdate(s.id, { packetLength: 1461 })), /packet_length/);
  await expectError('update session VNI 16777216', 400,
    () => c1.updateTrafficMirrorSession(sessionUpdate(s.id, { vni: 16777216 })), /virtual_network_id/);
  await expectError('update session priority 0', 400,
    () => c1.updateTrafficMirrorSession(sessionUpdate(s.id, { priority: 0 })), /priority/);
  await expectError('update session to an unknown filter', [400, 404],
    () => c1.updateTrafficMirrorSession(sessionUpdate(s.id, { filter: '00000000-0000-4000-8000-000000000000' })),
    /traffic_mirror_filter_id/);
  await expectError('update session target to its own source', [400, 409],
    () => c1.updateTrafficMirrorSession(sessionUpdate(s.id, { target: PORT_SOURCE })), /source|target/);
  const still = await c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(s.id));
  const t = still.traffic_mirror_session;
  eq('refused session updates changed nothing',
     [t.packet_length, t.virtual_network_id, t.priority, t.traffic_mirror_filter_id, t.traffic_mirror_target_id, t.enabled],
     [96, 1, 1, F, PORT_TARGET, true]);

  // Sources: add and remove.
  const a = await expectOk('add-sources port-ecs-source to the defaults session', 200,
    () => c1.addSourcesToTrafficMirrorSession(addSources(D, [PORT_SOURCE])));
  if (a) {
    eq('add-sources: both sources', [...a.traffic_mirror_session.traffic_mirror_sources].sort(),
       [PORT_SOURCE, PORT_TEST]);
  }
  await expectError('add-sources the session\'s target', [400, 409],
    () => c1.addSourcesToTrafficMirrorSession(addSources(D, [PORT_TARGET])), /source|target/);
  await expectError('add-sources an unknown port', [400, 404],
    () => c1.addSourcesToTrafficMirrorSession(addSources(D, ['port-nowhere'])), /port-nowhere|traffic_mirror_sources/);
  await expectError('add-sources to an unknown session', 404,
    () => c1.addSourcesToTrafficMirrorSession(addSources('00000000-0000-4000-8000-000000000000', [PORT_TEST])));
  const rm = await expectOk('remove-sources port-ecs-source from the defaults session', 200,
    () => c1.removeSourcesFromTrafficMirrorSession(removeSources(D, [PORT_SOURCE])));
  if (rm) {
    eq('remove-sources: one source left', rm.traffic_mirror_session.traffic_mirror_sources, [PORT_TEST]);
  }
  await expectError('remove-sources from an unknown session', 404,
    () => c1.removeSourcesFromTrafficMirrorSession(removeSources('00000000-0000-4000-8000-000000000000', [PORT_TEST])));
  const afterSrc = await c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(D));
  eq('show after add and remove: one source', afterSrc.traffic_mirror_session.traffic_mirror_sources, [PORT_TEST]);

  // 3 sessions per source: mirror-session-A, B, C on port-ecs-source, D refused.
  const more = [];
  for (const [n, p] of [['B', 2], ['C', 3]]) {
    const x = await expectOk(`create mirror-session-${n} on port-ecs-source (priority ${p})`, 201,
      () => c1.createTrafficMirrorSession(sessionBody({
        name: `mirror-session-${n}-${TAG}`, filter: F, sources: [PORT_SOURCE], target: PORT_TARGET,
        targetType: 'eni', priority: p, vni: String(100 + p),
      })));
    if (x) more.push(x.traffic_mirror_session.id);
  }
  await expectError('a 4th session on port-ecs-source is refused', [400, 403, 409],
    () => c1.createTrafficMirrorSession(sessionBody({
      name: `mirror-session-D-${TAG}`, filter: F, sources: [PORT_SOURCE], target: PORT_TARGET,
      targetType: 'eni', priority: 4,
    })), /session|source|quota/i);
  st.moreSessions = more;

  // Deleting the filter in use: 409, and it stays.
  await expectError('delete mirror-filter-A while sessions use it', 409,
    () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(F)));
  await expectOk('mirror-filter-A is still there', 200,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F)));

  // Moving a session to another filter.
  const g = await expectOk('create a second filter', 201,
    () => c1.createTrafficMirrorFilter(filterBody(`second-${TAG}`)));
  if (g) {
    st.filterB = g.traffic_mirror_filter.id;
    const mv = await expectOk('update session filter', 200,
      () => c1.updateTrafficMirrorSession(sessionUpdate(D, { filter: st.filterB })));
    if (mv) {
      eq('update session filter: moved', mv.traffic_mirror_session.traffic_mirror_filter_id, st.filterB);
    }
  }

  // Unknown ids.
  const nope = '00000000-0000-4000-8000-000000000000';
  await expectError('show an unknown session', 404,
    () => c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(nope)));
  await expectError('update an unknown session', 404,
    () => c1.updateTrafficMirrorSession(sessionUpdate(nope, { priority: 7 })));
  await expectError('delete an unknown session', 404,
    () => c1.deleteTrafficMirrorSession(new v3.DeleteTrafficMirrorSessionRequest(nope)));
}

async function listSection() {
  const F = need(st.filterA, 'mirror-filter-A');
  const S = need(st.sessionA, 'mirror-session-A');
  const R = need(st.ruleA, 'seed 002 rule');

  // Filters: every query parameter of ListTrafficMirrorFiltersRequest.
  const fa = (await c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F))).traffic_mirror_filter;
  const filterQueries = [
    ['id', (q) => q.withId(F), (x) => x.id === F],
    ['name', (q) => q.withName('mirror-filter-A'), (x) => x.name === 'mirror-filter-A'],
    ['description', (q) => q.withDescription(fa.description), (x) => x.description === fa.description],
    ['created_at', (q) => q.withCreatedAt(fa.created_at), (x) => x.created_at === fa.created_at],
    ['updated_at', (q) => q.withUpdatedAt(fa.updated_at), (x) => x.updated_at === fa.updated_at],
  ];
  for (const [what, set, pred] of filterQueries) {
    const q = new v3.ListTrafficMirrorFiltersRequest();
    set(q);
    const r = await expectOk(`list filters by ${what}`, 200, () => c1.listTrafficMirrorFilters(q));
    if (r) {
      const l = r.traffic_mirror_filters;
      check(`list filters by ${what}: mirror-filter-A, and only matches`,
            ids(l).includes(F) && l.every(pred), () => show(l.map((x) => [x.id, x.name])));
    }
  }
  const none = await expectOk('list filters by a name nobody has', 200,
    () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withName(`nobody-${TAG}`)));
  if (none) {
    eq('list filters by a name nobody has: empty, current_count 0',
       [none.traffic_mirror_filters, none.page_info && none.page_info.current_count], [[], 0]);
  }
  const byBoth = await c1.listTrafficMirrorFilters(
    new v3.ListTrafficMirrorFiltersRequest().withId(F).withName(`nobody-${TAG}`));
  eq('list filters: parameters combine with AND', byBoth.traffic_mirror_filters, []);

  // Rules: every query parameter of ListTrafficMirrorFilterRulesRequest.
  const ra = (await c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(R))).traffic_mirror_filter_rule;
  const ruleQueries = [
    ['id', (q) => q.withId(R), (x) => x.id === R],
    ['description', (q) => q.withDescription(ra.description), (x) => x.description === ra.description],
    ['traffic_mirror_filter_id', (q) => q.withTrafficMirrorFilterId(F), (x) => x.traffic_mirror_filter_id === F],
    ['direction', (q) => q.withDirection('ingress'), (x) => x.direction === 'ingress'],
    ['protocol', (q) => q.withProtocol(ra.protocol), (x) => x.protocol === ra.protocol],
    ['source_cidr_block', (q) => q.withSourceCidrBlock('192.168.0.161/32'), (x) => x.source_cidr_block === '192.168.0.161/32'],
    ['destination_cidr_block', (q) => q.withDestinationCidrBlock('192.168.0.230/32'), (x) => x.destination_cidr_block === '192.168.0.230/32'],
    ['destination_port_range', (q) => q.withDestinationPortRange('1234-1234'), (x) => x.destination_port_range === '1234-1234'],
    ['action', (q) => q.withAction('accept'), (x) => x.action === 'accept'],
    ['priority', (q) => q.withPriority('1'), (x) => x.priority === 1],
  ];
  for (const [what, set, pred] of ruleQueries) {
    const q = new v3.ListTrafficMirrorFilterRulesRequest();
    set(q);
    const r = await expectOk(`list rules by ${what}`, 200, () => c1.listTrafficMirrorFilterRules(q));
    if (r) {
      const l = r.traffic_mirror_filter_rules;
      check(`list rules by ${what}: the seed 002 rule, and only matches`,
            ids(l).includes(R) && l.every(pred), () => show(l.map((x) => [x.id, x[what]])));
    }
  }
  if (st.ruleUdp) {
    const r = await expectOk('list rules by source_port_range', 200, () => c1.listTrafficMirrorFilterRules(
      new v3.ListTrafficMirrorFilterRulesRequest().withSourcePortRange('1000-2000')));
    if (r) {
      eq('list rules by source_port_range: the UDP rule', ids(r.traffic_mirror_filter_rules), [st.ruleUdp]);
    }
  }
  const egress = await c1.listTrafficMirrorFilterRules(
    new v3.ListTrafficMirrorFilterRulesRequest().withTrafficMirrorFilterId(F).withDirection('egress'));
  eq('list rules of mirror-filter-A by direction egress',
     ids(egress.traffic_mirror_filter_rules).sort(), [st.rule6, st.ruleAll].sort());
  const combo = await c1.listTrafficMirrorFilterRules(
    new v3.ListTrafficMirrorFilterRulesRequest().withTrafficMirrorFilterId(F).withDirection('ingress').withAction('accept').withPriority('1'));
  eq('list rules by filter, direction, action and priority: the seed 002 rule',
     ids(combo.traffic_mirror_filter_rules), [R]);

  // Sessions: every query parameter of ListTrafficMirrorSessionsRequest.
  const sa = (await c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(S))).traffic_mirror_session;
  const sessionQueries = [
    ['id', (q) => q.withId(S), (x) => x.id === S],
    ['name', (q) => q.withName('mirror-session-A'), (x) => x.name === 'mirror-session-A'],
    ['description', (q) => q.withDescription('seed 002'), (x) => x.description === 'seed 002'],
    ['traffic_mirror_filter_id', (q) => q.withTrafficMirrorFilterId(F), (x) => x.traffic_mirror_filter_id === F],
    ['traffic_mirror_target_id', (q) => q.withTrafficMirrorTargetId(PORT_TARGET), (x) => x.traffic_mirror_target_id === PORT_TARGET],
    ['traffic_mirror_target_type', (q) => q.withTrafficMirrorTargetType('eni'), (x) => x.traffic_mirror_target_type === 'eni'],
    ['virtual_network_id', (q) => q.withVirtualNetworkId('1'), (x) => x.virtual_network_id === 1],
    ['packet_length', (q) => q.withPacketLength('96'), (x) => x.packet_length === 96],
    ['priority', (q) => q.withPriority('1'), (x) => x.priority === 1],
    ['enabled', (q) => q.withEnabled('true'), (x) => x.enabled === true],
    ['type', (q) => q.withType('eni'), (x) => x.type === 'eni'],
    ['created_at', (q) => q.withCreatedAt(sa.created_at), (x) => x.created_at === sa.created_at],
    ['updated_at', (q) => q.withUpdatedAt(sa.updated_at), (x) => x.updated_at === sa.updated_at],
  ];
  for (const [what, set, pred] of sessionQueries) {
    const q = new v3.ListTrafficMirrorSessionsRequest();
    set(q);
    const r = await expectOk(`list sessions by ${what}`, 200, () => c1.listTrafficMirrorSessions(q));
    if (r) {
      const l = r.traffic_mirror_sessions;
      check(`list sessions by ${what}: mirror-session-A, and only matches`,
            ids(l).includes(S) && l.every(pred), () => show(l.map((x) => [x.id, x[what]])));
    }
  }
  const disabled = await c1.listTrafficMirrorSessions(new v3.ListTrafficMirrorSessionsRequest().withEnabled('false'));
  check('list sessions by enabled false: not mirror-session-A, all disabled',
        !ids(disabled.traffic_mirror_sessions).includes(S)
        && disabled.traffic_mirror_sessions.every((x) => x.enabled === false),
        () => show(disabled.traffic_mirror_sessions.map((x) => [x.id, x.enabled])));
  const vni = await c1.listTrafficMirrorSessions(new v3.ListTrafficMirrorSessionsRequest().withVirtualNetworkId('102'));
  eq('list sessions by virtual_network_id 102: mirror-session-B', vni.traffic_mirror_sessions.map((x) => x.name),
     [`mirror-session-B-${TAG}`]);

  // Query values that the SDK and its signer encode differently
  // (querystring leaves * ! ' ( ) raw; the signer escapes them), UTF-8,
  // and a '%' (which must not be decoded twice).
  const oddName = `镜像过滤器-${TAG}`;
  const oddDesc = `a b*c!'()~_测试+&=/%25%?#,;:@$ é "q" [x] {y} \\ end`;
  const odd = await expectOk('create filter with a UTF-8 name and an awkward description', 201,
    () => c1.createTrafficMirrorFilter(filterBody(oddName, oddDesc)));
  if (odd) {
    const o = odd.traffic_mirror_filter;
    eq('UTF-8 name and awkward description come back byte for byte', [o.name, o.description], [oddName, oddDesc]);
    const byName = await expectOk('list filters by the UTF-8 name', 200,
      () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withName(oddName)));
    if (byName) eq('list by the UTF-8 name: that filter', ids(byName.traffic_mirror_filters), [o.id]);
    const byDesc = await expectOk('list filters by the awkward description', 200,
      () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withDescription(oddDesc)));
    if (byDesc) eq('list by the awkward description: that filter', ids(byDesc.traffic_mirror_filters), [o.id]);
    const both = await expectOk('list filters by name, description and limit together', 200,
      () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()
        .withDescription(oddDesc).withName(oddName).withLimit(5)));
    if (both) eq('several awkward parameters: that filter', ids(both.traffic_mirror_filters), [o.id]);
    await expectOk('delete the awkward filter', 204,
      () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(o.id)));
  }
  await expectError('create filter with a space in its name', 400,
    () => c1.createTrafficMirrorFilter(filterBody('mirror filter')), /\bname\b/);

  // A limit outside 0-2000 is refused.
  await expectError('list filters with limit 2001', 400,
    () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withLimit(2001)), /limit/);
  await expectError('list filters with limit -1', 400,
    () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withLimit(-1)), /limit/);
}

async function paginationSection() {
  // Five more filters, then the whole list two at a time.
  const made = [];
  let third = null;
  for (let i = 1; i <= 5; i++) {
    const r = await expectOk(`create page filter ${i}`, 201,
      () => c1.createTrafficMirrorFilter(filterBody(`page-${TAG}-${i}`, `page filter ${i}`)));
    if (r) {
      made.push(r.traffic_mirror_filter.id);
      if (i === 3) third = r.traffic_mirror_filter.id;
    }
  }
  st.pageFilters = made;
  const all = await expectOk('list all filters', 200,
    () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));
  const full = ids(need(all, 'full list').traffic_mirror_filters);
  check('list all filters: no next_marker', !all.page_info.next_marker, () => show(all.page_info));
  eq('list all filters: current_count', all.page_info.current_count, full.length);
  check('list all filters: the 5 new ones and mirror-filter-A',
        [...made, st.filterA].every((x) => full.includes(x)), () => show(full));
  eq('list all filters: no duplicates', new Set(full).size, full.length);

  const paged = await paginate('filters, 2 per page',
    (limit, marker) => {
      const q = new v3.ListTrafficMirrorFiltersRequest().withLimit(limit);
      if (marker) q.withMarker(marker);
      return c1.listTrafficMirrorFilters(q);
    }, 'traffic_mirror_filters', 2);
  if (paged) {
    eq('filter pages put together are the whole list, in order', paged, full);
  }
  // Starting after any filter gives the rest of the list.
  if (full.length >= 3) {
    const r = await c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withMarker(full[1]));
    eq('marker = 2nd filter: the list from the 3rd on', ids(r.traffic_mirror_filters), full.slice(2));
  }
  // limit=1 with a name: one page.
  const one = await c1.listTrafficMirrorFilters(
    new v3.ListTrafficMirrorFiltersRequest().withName(`page-${TAG}-3`).withLimit(1));
  eq('limit 1 with a name: that filter, no next_marker',
     [ids(one.traffic_mirror_filters), one.page_info.next_marker || null], [[third], null]);
  // A marker that names no filter is refused rather than silently wrong.
  await expectError('list filters with an unknown marker', [400, 404],
    () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()
      .withLimit(2).withMarker('00000000-0000-4000-8000-000000000000')));

  // Sessions, one per page.
  const allS = await c1.listTrafficMirrorSessions(new v3.ListTrafficMirrorSessionsRequest());
  const fullS = ids(allS.traffic_mirror_sessions);
  check('list all sessions: at least 4', fullS.length >= 4, () => show(fullS));
  const pagedS = await paginate('sessions, 1 per page',
    (limit, marker) => {
      const q = new v3.ListTrafficMirrorSessionsRequest().withLimit(limit);
      if (marker) q.withMarker(marker);
      return c1.listTrafficMirrorSessions(q);
    }, 'traffic_mirror_sessions', 1);
  if (pagedS) {
    eq('session pages put together are the whole list, in order', pagedS, fullS);
  }
  // Pages of a filtered list.
  const pagedF = await paginate('sessions of mirror-filter-A, 2 per page',
    (limit, marker) => {
      const q = new v3.ListTrafficMirrorSessionsRequest().withTrafficMirrorFilterId(st.filterA).withLimit(limit);
      if (marker) q.withMarker(marker);
      return c1.listTrafficMirrorSessions(q);
    }, 'traffic_mirror_sessions', 2);
  const allF = await c1.listTrafficMirrorSessions(
    new v3.ListTrafficMirrorSessionsRequest().withTrafficMirrorFilterId(st.filterA));
  if (pagedF) {
    eq('filtered session pages put together are the filtered list', pagedF, ids(allF.traffic_mirror_sessions));
  }
}

async function isolationSection() {
  const F = need(st.filterA, 'mirror-filter-A');
  const S = need(st.sessionA, 'mirror-session-A');
  const R = need(st.ruleA, 'seed 002 rule');
  const c2 = makeClient({ ak: AK2, sk: SK2, project: P2 });

  // Project 1's objects do not exist for project 2's key.
  await expectError('project 2 key: show project 1 filter', 404,
    () => c2.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F)));
  await expectError('project 2 key: show project 1 rule', 404,
    () => c2.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(R)));
  await expectError('project 2 key: show project 1 session', 404,
    () => c2.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(S)));
  await expectError('project 2 key: update project 1 filter', 404,
    () => c2.updateTrafficMirrorFilter(new v3.UpdateTrafficMirrorFilterRequest(F).withBody(
      new v3.UpdateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(
        new v3.UpdateTrafficMirrorFilterOption().withName('stolen')))));
  await expectError('project 2 key: update project 1 rule', 404,
    () => c2.updateTrafficMirrorFilterRule(ruleUpdate(R, { action: 'reject' })));
  await expectError('project 2 key: update project 1 session', 404,
    () => c2.updateTrafficMirrorSession(sessionUpdate(S, { enabled: 'false' })));
  await expectError('project 2 key: add-sources to project 1 session', 404,
    () => c2.addSourcesToTrafficMirrorSession(addSources(S, [PORT_TEST])));
  await expectError('project 2 key: remove-sources from project 1 session', 404,
    () => c2.removeSourcesFromTrafficMirrorSession(removeSources(S, [PORT_SOURCE])));
  await expectError('project 2 key: delete project 1 rule', 404,
    () => c2.deleteTrafficMirrorFilterRule(new v3.DeleteTrafficMirrorFilterRuleRequest(R)));
  await expectError('project 2 key: delete project 1 session', 404,
    () => c2.deleteTrafficMirrorSession(new v3.DeleteTrafficMirrorSessionRequest(S)));
  await expectError('project 2 key: delete project 1 filter', 404,
    () => c2.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(F)));
  const f = (await c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F))).traffic_mirror_filter;
  const s = (await c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(S))).traffic_mirror_session;
  const r = (await c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(R))).traffic_mirror_filter_rule;
  eq('project 1 objects untouched by project 2',
     [f.name, r.action, s.enabled, s.traffic_mirror_sources],
     ['mirror-filter-A', 'accept', true, [PORT_SOURCE]]);

  // Project 2's lists are empty of project 1's objects.
  const onlyP2 = (l) => l.every((x) => x.project_id === P2);
  const l2 = await expectOk('project 2 key: list filters', 200,
    () => c2.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));
  if (l2) {
    check('project 2 key: list filters: none of project 1',
          !ids(l2.traffic_mirror_filters).includes(F) && onlyP2(l2.traffic_mirror_filters),
          () => show(l2.traffic_mirror_filters.map((x) => [x.id, x.project_id])));
  }
  const byId = await c2.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withId(F));
  eq('project 2 key: list filters by project 1 id: empty', byId.traffic_mirror_filters, []);
  const lr2 = await c2.listTrafficMirrorFilterRules(new v3.ListTrafficMirrorFilterRulesRequest());
  check('project 2 key: list rules: none of project 1',
        !ids(lr2.traffic_mirror_filter_rules).includes(R) && onlyP2(lr2.traffic_mirror_filter_rules),
        () => show(lr2.traffic_mirror_filter_rules.map((x) => [x.id, x.project_id])));
  const ls2 = await c2.listTrafficMirrorSessions(new v3.ListTrafficMirrorSessionsRequest());
  check('project 2 key: list sessions: none of project 1',
        !ids(ls2.traffic_mirror_sessions).includes(S) && onlyP2(ls2.traffic_mirror_sessions),
        () => show(ls2.traffic_mirror_sessions.map((x) => [x.id, x.project_id])));

  // Project 2's own objects; project 1's filter can't be used from there.
  const f2 = await expectOk('project 2 key: create filter', 201,
    () => c2.createTrafficMirrorFilter(filterBody('mirror-filter-A', 'same name, other project')));
  const F2 = need(f2 && f2.traffic_mirror_filter, 'project 2 filter');
  eq('project 2 filter: project_id is project 2', F2.project_id, P2);
  await expectError('project 2 key: rule in project 1 filter', [400, 404],
    () => c2.createTrafficMirrorFilterRule(ruleBody({
      filter: F, direction: 'egress', protocol: 'ALL', ethertype: 'IPv4', action: 'accept', priority: 7,
    })), /traffic_mirror_filter/);
  await expectError('project 2 key: session with project 1 filter', [400, 404],
    () => c2.createTrafficMirrorSession(sessionBody({
      name: `p2-${TAG}`, filter: F, sources: [PORT_TEST], target: PORT_TARGET, targetType: 'eni', priority: 20,
    })), /traffic_mirror_filter_id/);
  const r2 = await expectOk('project 2 key: rule in its own filter', 201,
    () => c2.createTrafficMirrorFilterRule(ruleBody({
      filter: F2.id, direction: 'ingress', protocol: 'ALL', ethertype: 'IPv4', action: 'accept', priority: 1,
    })));
  if (r2) eq('project 2 rule: project_id', r2.traffic_mirror_filter_rule.project_id, P2);
  const byName1 = await c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withName('mirror-filter-A'));
  check('project 1 list by name mirror-filter-A: not project 2\'s namesake',
        !ids(byName1.traffic_mirror_filters).includes(F2.id)
        && byName1.traffic_mirror_filters.every((x) => x.project_id === P1),
        () => show(byName1.traffic_mirror_filters.map((x) => [x.id, x.project_id])));
  await expectError('project 1 key: show project 2 filter in project 1', 404,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F2.id)));

  // Key 1 may also use project 2 (a key with two projects): it sees
  // project 2's objects there, and still not project 1's.
  const c1p2 = makeClient({ project: P2 });
  const l12 = await expectOk('key 1 in project 2: list filters', 200,
    () => c1p2.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));
  if (l12) {
    check('key 1 in project 2: project 2\'s filter, nothing of project 1',
          ids(l12.traffic_mirror_filters).includes(F2.id) && onlyP2(l12.traffic_mirror_filters),
          () => show(l12.traffic_mirror_filters.map((x) => [x.id, x.project_id])));
  }
  await expectError('key 1 in project 2: show project 1 filter', 404,
    () => c1p2.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F)));

  // Key 2 may not use project 1 at all.
  await expectError('project 2 key in project 1: refused', 403,
    () => makeClient({ ak: AK2, sk: SK2, project: P1 }).listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));
  await expectError('project 2 key in project 1: no write either', 403,
    () => makeClient({ ak: AK2, sk: SK2, project: P1 }).createTrafficMirrorFilter(filterBody(`intruder-${TAG}`)));
  const intruder = await c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withName(`intruder-${TAG}`));
  eq('the refused write created nothing', intruder.traffic_mirror_filters, []);

  // Clean up project 2.
  await expectOk('project 2 key: delete its filter (with its rule)', 204,
    () => c2.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(F2.id)));
}

async function authSection() {
  await expectError('wrong secret key', 401,
    () => makeClient({ sk: `${SK}x` }).listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));
  await expectError('unknown access key', 401,
    () => makeClient({ ak: 'UNKNOWNAK0000000000X', sk: SK }).listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));
  await expectError('wrong secret key on a write', 401,
    () => makeClient({ sk: 'wrong' }).createTrafficMirrorFilter(filterBody(`unsigned-${TAG}`)));
  const l = await c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest().withName(`unsigned-${TAG}`));
  eq('the unauthenticated write created nothing', l.traffic_mirror_filters, []);
  await expectError('no project id in the client', [400, 403, 404],
    () => makeClient({ project: null }).listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest()));

  // X-Sdk-Date: the SDK takes it from Date.now (moment).
  const realNow = Date.now;
  const at = async (offsetMin, fn) => {
    Date.now = () => realNow() + offsetMin * 60000;
    try {
      return await fn();
    } finally {
      Date.now = realNow;
    }
  };
  await expectError('X-Sdk-Date 20 minutes old', 401,
    () => at(-20, () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest())));
  await expectError('X-Sdk-Date 20 minutes ahead', 401,
    () => at(20, () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest())));
  await expectOk('X-Sdk-Date 10 minutes old is accepted', 200,
    () => at(-10, () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest())));

  // Every answer has its own request id.
  const e1 = await expectError('request ids: first 404', 404,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest('00000000-0000-4000-8000-000000000001')));
  const e2 = await expectError('request ids: second 404', 404,
    () => c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest('00000000-0000-4000-8000-000000000001')));
  check('request ids differ between requests', e1 && e2 && e1.requestId !== e2.requestId,
        () => `${e1 && e1.requestId} ${e2 && e2.requestId}`);
}

async function concurrencySection() {
  // Ten creates at once: ten distinct filters.
  const rs = await Promise.allSettled(Array.from({ length: 10 }, (_, i) =>
    c1.createTrafficMirrorFilter(filterBody(`burst-${TAG}-${i}`))));
  const good = rs.filter((x) => x.status === 'fulfilled' && x.value.httpStatusCode === 201);
  eq('10 concurrent filter creates: all 201', good.length, 10);
  const burst = good.map((x) => x.value.traffic_mirror_filter.id);
  eq('10 concurrent filter creates: distinct ids', new Set(burst).size, burst.length);

  // Twelve rules at once into one direction: exactly ten fit.
  const F = burst[0];
  if (F) {
    const rr = await Promise.allSettled(Array.from({ length: 12 }, (_, i) =>
      c1.createTrafficMirrorFilterRule(ruleBody({
        filter: F, direction: 'egress', protocol: 'UDP', ethertype: 'IPv4', action: 'accept', priority: i + 1,
      }))));
    const made = rr.filter((x) => x.status === 'fulfilled' && x.value.httpStatusCode === 201).length;
    const refused = rr.filter((x) => x.status === 'rejected' && x.reason instanceof ClientRequestException
                                     && [400, 403, 409].includes(x.reason.httpStatusCode)).length;
    eq('12 concurrent rule creates in one direction: 10 created, 2 refused', [made, refused], [10, 2]);
    const f = await c1.showTrafficMirrorFilter(new v3.ShowTrafficMirrorFilterRequest(F));
    eq('and the filter has 10 egress rules', f.traffic_mirror_filter.egress_rules.length, 10);
  }

  // Reads and deletes at once.
  const mixed = await Promise.allSettled([
    ...burst.map((id) => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(id))),
    ...Array.from({ length: 10 }, () => c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest())),
  ]);
  const codes = mixed.map((x) => (x.status === 'fulfilled' ? x.value.httpStatusCode : describeError(x.reason)));
  eq('10 concurrent deletes and 10 lists', codes, [...Array(burst.length).fill(204), ...Array(10).fill(200)]);
  const left = await c1.listTrafficMirrorFilters(new v3.ListTrafficMirrorFiltersRequest());
  check('the burst filters are gone', burst.every((id) => !ids(left.traffic_mirror_filters).includes(id)));
}

async function teardownSection() {
  // Everything this run made in project 1, deleted through the API, in
  // dependency order.
  for (const id of [...(st.moreSessions || []), st.sessionD].filter(Boolean)) {
    await expectOk('delete session', 204,
      () => c1.deleteTrafficMirrorSession(new v3.DeleteTrafficMirrorSessionRequest(id)));
  }
  const S = need(st.sessionA, 'mirror-session-A');
  await expectOk('delete mirror-session-A', 204,
    () => c1.deleteTrafficMirrorSession(new v3.DeleteTrafficMirrorSessionRequest(S)));
  await expectError('show deleted mirror-session-A', 404,
    () => c1.showTrafficMirrorSession(new v3.ShowTrafficMirrorSessionRequest(S)));
  await expectError('delete mirror-session-A again', 404,
    () => c1.deleteTrafficMirrorSession(new v3.DeleteTrafficMirrorSessionRequest(S)));
  await expectOk('delete mirror-filter-A, no longer in use', 204,
    () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(st.filterA)));
  await expectError('its rules went with it', 404,
    () => c1.showTrafficMirrorFilterRule(new v3.ShowTrafficMirrorFilterRuleRequest(st.ruleA)));
  for (const id of [st.filterB, ...(st.pageFilters || [])].filter(Boolean)) {
    await expectOk('delete filter', 204,
      () => c1.deleteTrafficMirrorFilter(new v3.DeleteTrafficMirrorFilterRequest(id)));
  }
  const l = await c1.listTrafficMirrorSessions(new v3.ListTrafficMirrorSessionsRequest());
  check('no session of this run is left', l.traffic_mirror_sessions.every((x) => !x.name.includes(TAG) && x.id !== S),
        () => show(l.traffic_mirror_sessions.map((x) => x.name)));
}

(async () => {
  console.log(`# tmirror-apid at ${ENDPOINT}, projects ${P1} and ${P2}, run ${TAG}`);
  await section('filters', filtersSection);
  await section('filter rules', rulesSection);
  await section('rule quota and rule pages', ruleQuotaSection);
  await section('sessions', sessionsSection);
  await section('list queries', listSection);
  await section('pagination', paginationSection);
  await section('isolation between projects and keys', isolationSection);
  await section('authentication', authSection);
  await section('concurrent requests', concurrencySection);
  await section('teardown', teardownSection);
  console.log(`api-sdk: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
})().catch((e) => {
  console.log(`FAIL: the test program itself: ${e && e.stack}`);
  console.log(`api-sdk: ${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
