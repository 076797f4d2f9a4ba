'use strict';
/*
 * The load generator of bench-api.sh: N concurrent clients, each creating
 * a traffic-mirroring session and deleting it again, over and over, for a
 * fixed time, written one of three ways:
 *
 *   api            POST traffic-mirror-sessions, then DELETE .../{id}, to
 *                  tmirror-apid, signed with SDK-HMAC-SHA256 as Huawei's
 *                  SDK and utilities/tmirror-sign sign them (computed here,
 *                  so that the SDK's own overhead is not measured), over
 *                  keep-alive connections (one per client).
 *   ovsdb          the same two writes straight to the northbound
 *                  database: OVSDB JSON-RPC "transact" over its unix
 *                  socket, one connection per client, no process started
 *                  per write.
 *   ovsdb-client   the same transactions, each by running
 *                  "ovsdb-client transact" (what a shell script would do;
 *                  the process's start-up is part of each write).
 *
 * The database writes are those tmirror-apid makes (one transaction per
 * request: the Session row insert or delete and the TM_Global nb_cfg
 * increment), without its validation; nb_cfg is incremented with an atomic
 * "mutate" instead of the IDL's optimistic "wait" + "update", so that
 * concurrent raw writers never have to retry.
 *
 * usage: node api-load.js MODE CONFIG.json CONCURRENCY SECONDS [WARMUP]
 *
 * CONFIG.json: {"endpoint": "http://127.0.0.1:PORT", "ak", "sk",
 * "project", "filter": filter UUID, "sources": [port ids], "targets":
 * [port ids], "db": unix socket path, "ovsdb_client": its path}.  Client
 * i mirrors sources[i] (so no source ever has more than one session) to
 * targets[i % targets.length] (an ENI target takes 10 sessions at most).
 *
 * Cycles that end within the measured window (after WARMUP seconds, 0.5 by
 * default, and before the end) count; every client finishes the cycle it
 * is in at the end, so that nothing it created is left behind.  Prints one
 * JSON object: mode, concurrency, seconds, cycles, requests (2 per cycle),
 * rps (requests per second), p50_ms and p99_ms (of a whole cycle), errors
 * and the first error.  Exits 1 if it could not run at all.
 */

const crypto = require('crypto');
const http = require('http');
const net = require('net');
const fs = require('fs');
const { execFile } = require('child_process');

const DB_NAME = 'TMirror_Northbound';

function usage(msg) {
  process.stderr.write(`api-load.js: ${msg}\nusage: node api-load.js `
                       + 'api|ovsdb|ovsdb-client CONFIG.json CONCURRENCY '
                       + 'SECONDS [WARMUP]\n');
  process.exit(1);
}

const [mode, configFile, concArg, secArg, warmArg] = process.argv.slice(2);
if (!['api', 'ovsdb', 'ovsdb-client'].includes(mode)) {
  usage(`unknown mode "${mode}"`);
}
const config = JSON.parse(fs.readFileSync(configFile || usage('no config'),
                                          'utf8'));
const concurrency = parseInt(concArg, 10);
const seconds = parseFloat(secArg);
const warmup = warmArg === undefined ? 0.5 : parseFloat(warmArg);
if (!(concurrency >= 1) || !(seconds > 0) || !(warmup >= 0)) {
  usage('bad CONCURRENCY, SECONDS or WARMUP');
}
if (concurrency > config.sources.length) {
  usage(`${concurrency} clients but only ${config.sources.length} sources`);
}

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/* ---------------------------------------------------------------------- */
/* tmirror-apid, signed as utilities/tmirror-sign signs. */

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

function uriEncode(text) {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(b);
    out += UNRESERVED.test(c) ? c
      : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function sdkDate() {
  return new Date().toISOString().replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function sha256hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

// The headers of a signed request to 'path' (no query string: none of the
// benchmark's requests has one).
function signedHeaders(method, host, path, body) {
  const date = sdkDate();
  const headers = [['content-type', 'application/json'], ['host', host],
                   ['x-project-id', config.project], ['x-sdk-date', date]];
  let uri = path.split('/').map(uriEncode).join('/');
  if (!uri.endsWith('/')) {
    uri += '/';
  }
  const names = headers.map(([n]) => n).join(';');
  const canonical = [method, uri, '',
                     headers.map(([n, v]) => `${n}:${v}\n`).join(''),
                     names, sha256hex(body)].join('\n');
  const toSign = ['SDK-HMAC-SHA256', date, sha256hex(canonical)].join('\n');
  const signature = crypto.createHmac('sha256', config.sk).update(toSign)
    .digest('hex');
  return {
    'Content-Type': 'application/json',
    'Host': host,
    'X-Project-Id': config.project,
    'X-Sdk-Date': date,
    'Authorization': `SDK-HMAC-SHA256 Access=${config.ak}, `
      + `SignedHeaders=${names}, Signature=${signature}`,
    'Content-Length': Buffer.byteLength(body),
  };
}

function apiClient() {
  const url = new URL(config.endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = `/v3/${config.project}/vpc/traffic-mirror-sessions`;

  function request(method, path, body, expect) {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: url.hostname, port: url.port, method, path, agent,
        headers: signedHeaders(method, url.host, path, body),
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== expect) {
            reject(new Error(`${method} ${path}: ${res.statusCode} `
                             + text.slice(0, 300)));
          } else {
            resolve(text);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    async create(i) {
      const body = JSON.stringify({ traffic_mirror_session: {
        name: `bench-${i}`,
        traffic_mirror_filter_id: config.filter,
        traffic_mirror_sources: [config.sources[i]],
        traffic_mirror_target_id:
          config.targets[i % config.targets.length],
        traffic_mirror_target_type: 'eni',
        priority: 1, virtual_network_id: 1, packet_length: 96,
        enabled: true } });
      const reply = await request('POST', base, body, 201);
      return JSON.parse(reply).traffic_mirror_session.id;
    },
    async remove(id) {
      await request('DELETE', `${base}/${id}`, '', 204);
    },
    close() {
      agent.destroy();
    },
  };
}

/* ---------------------------------------------------------------------- */
/* The northbound database directly. */

// Splits a stream of concatenated JSON texts (OVSDB's framing: none) into
// messages.
function jsonSplitter(onMessage) {
  let buf = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let scanned = 0;
  return (chunk) => {
    buf += chunk;
    for (let i = scanned; i < buf.length; i++) {
      const c = buf[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c === '\\') {
          escaped = true;
        } else if (c === '"') {
          inString = false;
        }
      } else if (c === '"') {
        inString = true;
      } else if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']') {
        if (--depth === 0) {
          onMessage(JSON.parse(buf.slice(0, i + 1)));
          buf = buf.slice(i + 1);
          i = -1;
        }
      }
    }
    scanned = buf.length;
  };
}

// One JSON-RPC connection to the database.
function rpcConnect(path) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(path);
    const pending = new Map();
    let nextId = 1;
    sock.setEncoding('utf8');
    sock.on('data', jsonSplitter((msg) => {
      if (msg.method === 'echo') {
        sock.write(JSON.stringify({ id: msg.id, result: msg.params,
                                    error: null }));
        return;
      }
      const p = pending.get(msg.id);
      if (p) {
        pending.delete(msg.id);
        if (msg.error) {
          p.reject(new Error(JSON.stringify(msg.error)));
        } else {
          p.resolve(msg.result);
        }
      }
    }));
    sock.on('error', (e) => {
      for (const p of pending.values()) {
        p.reject(e);
      }
      pending.clear();
      reject(e);
    });
    sock.on('connect', () => resolve({
      call(method, params) {
        return new Promise((res, rej) => {
          const id = nextId++;
          pending.set(id, { resolve: res, reject: rej });
          sock.write(JSON.stringify({ method, params, id }));
        });
      },
      close() {
        sock.end();
      },
    }));
  });
}

// Throws the first error in a "transact" result.
function checkTransact(ops, result) {
  for (const r of result) {
    if (r && r.error) {
      throw new Error(`transact: ${r.error}: ${r.details || ''}`);
    }
  }
  if (result.length !== ops.length - 1) {
    throw new Error(`transact: ${JSON.stringify(result).slice(0, 300)}`);
  }
  return result;
}

// The UUIDs of the rows the sessions refer to, by the ids the API uses.
async function resolveUuids() {
  const rpc = await rpcConnect(config.db);
  const ports = [...new Set([...config.sources, ...config.targets])];
  const result = await rpc.call('transact', [DB_NAME, {
    op: 'select', table: 'Port', where: [],
    columns: ['_uuid', 'port_id'] }]);
  rpc.close();
  const byId = new Map(result[0].rows.map((r) => [r.port_id, r._uuid[1]]));
  for (const p of ports) {
    if (!byId.has(p)) {
      throw new Error(`no port "${p}" in the database`);
    }
  }
  return byId;
}

// The transactions of one cycle: the insert (with a cookie key of its own:
// client i uses 1000000 + i * 100000 + n, well away from those
// tmirror-apid hands out, which start at 1) and the delete.
function rawOps(portUuid) {
  const bumpCfg = { op: 'mutate', table: 'TM_Global', where: [],
                    mutations: [['nb_cfg', '+=', 1]] };
  const counters = [];
  return {
    insert(i) {
      counters[i] = ((counters[i] || 0) + 1) % 100000;
      const now = new Date().toISOString();
      return [DB_NAME, bumpCfg, {
        op: 'insert', table: 'Session', row: {
          name: `bench-${i}`, description: '', project_id: config.project,
          filter: ['uuid', config.filter],
          sources: ['uuid', portUuid.get(config.sources[i])],
          target_type: 'eni',
          target_port: ['uuid',
                        portUuid.get(config.targets[i
                                                    % config.targets.length])],
          virtual_network_id: 1, packet_length: 96, priority: 1,
          enabled: true, type: 'eni',
          cookie_key: 1000000 + i * 100000 + counters[i],
          created_at: now, updated_at: now } },
              { op: 'comment', comment: 'bench-api' }];
    },
    remove(uuid) {
      return [DB_NAME, bumpCfg, {
        op: 'delete', table: 'Session',
        where: [['_uuid', '==', ['uuid', uuid]]] },
              { op: 'comment', comment: 'bench-api' }];
    },
  };
}

async function ovsdbClient(ops) {
  const rpc = await rpcConnect(config.db);
  return {
    async create(i) {
      const params = ops.insert(i);
      const r = checkTransact(params, await rpc.call('transact', params));
      return r[1].uuid[1];
    },
    async remove(uuid) {
      const params = ops.remove(uuid);
      const r = checkTransact(params, await rpc.call('transact', params));
      if (r[1].count !== 1) {
        throw new Error(`delete of ${uuid} deleted ${r[1].count} rows`);
      }
    },
    close() {
      rpc.close();
    },
  };
}

function ovsdbClientProcess(ops) {
  function transact(params) {
    return new Promise((resolve, reject) => {
      execFile(config.ovsdb_client,
               ['transact', `unix:${config.db}`, JSON.stringify(params)],
               (err, stdout, stderr) => {
                 if (err) {
                   reject(new Error(`ovsdb-client: ${stderr || err}`));
                 } else {
                   try {
                     resolve(checkTransact(params, JSON.parse(stdout)));
                   } catch (e) {
                     reject(e);
                   }
                 }
               });
    });
  }
  return {
    async create(i) {
      return (await transact(ops.insert(i)))[1].uuid[1];
    },
    async remove(uuid) {
      const r = await transact(ops.remove(uuid));
      if (r[1].count !== 1) {
        throw new Error(`delete of ${uuid} deleted ${r[1].count} rows`);
      }
    },
    close() {},
  };
}

/* ---------------------------------------------------------------------- */
/* The run. */

function percentile(sorted, p) {
  if (!sorted.length) {
    return null;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function main() {
  let ops = null;
  if (mode !== 'api') {
    ops = rawOps(await resolveUuids());
  }
  const clients = [];
  for (let i = 0; i < concurrency; i++) {
    if (mode === 'api') {
      clients.push(apiClient());
    } else if (mode === 'ovsdb') {
      clients.push(await ovsdbClient(ops));
    } else {
      clients.push(ovsdbClientProcess(ops));
    }
  }

  const start = nowMs();
  const windowStart = start + warmup * 1000;
  const windowEnd = windowStart + seconds * 1000;
  const latencies = [];
  let errors = 0;
  let firstError = null;

  async function worker(i) {
    const c = clients[i];
    while (nowMs() < windowEnd) {
      const t0 = nowMs();
      try {
        await c.remove(await c.create(i));
        const t1 = nowMs();
        if (t1 >= windowStart && t1 <= windowEnd) {
          latencies.push(t1 - t0);
        }
      } catch (e) {
        // Any error stops this client: a session left behind would make
        // each of its further creates fail (its priority is taken), and a
        // storm of fast errors is no measurement.  The caller treats any
        // error as a failed run.
        errors++;
        firstError = firstError || String(e.message || e);
        return;
      }
    }
  }
  await Promise.all(clients.map((_, i) => worker(i)));
  for (const c of clients) {
    c.close();
  }

  latencies.sort((a, b) => a - b);
  const round = (x) => (x === null ? null : Math.round(x * 1000) / 1000);
  const out = {
    mode, concurrency, seconds,
    cycles: latencies.length,
    requests: 2 * latencies.length,
    rps: round((2 * latencies.length) / seconds),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    errors, first_error: firstError,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`api-load.js: ${e.stack || e}\n`);
  process.exit(1);
});
