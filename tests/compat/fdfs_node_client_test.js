// Interoperability test with an independent FastDFS client implementation:
// the `fdfs` npm package (a Node.js FastDFS client written against FastDFS
// itself). Usage:
//   node fdfs_node_client_test.js <tracker-host> <tracker-port> \
//       [<storage-ip>,...] [<group of one storage>] [<replicated group>]
// Exits non-zero on the first mismatch.
'use strict';
const FdfsClient = require('fdfs');
const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const stream = require('stream');
const zlib = require('zlib');

const [host, port] = [process.argv[2] || '127.0.0.1', Number(process.argv[3] || 22122)];
// The storage servers' addresses (comma-separated): the file ID must name
// one of them as its source.
const storages = (process.argv[4] || host).split(',');
// This client sends append and modify to the storage the tracker picks for
// a new upload (QUERY_STORE, 101/104), not to the file's source (QUERY_UPDATE,
// 103, which FastDFS's C and Java clients ask). The appender commands are
// checked in a group of one storage (the source gets every update) and,
// when given, in a replicated group, where a member that is not the source
// hands each update to the source (docs/protocol.md): with FastDFS such a
// sequence meets ENOENT, or leaves the copies different.
const appenderGroup = process.argv[5] || 'group2';
const replicatedGroup = process.argv[6] || '';
const fdfs = new FdfsClient({
  trackers: [{host, port}],
  timeout: 10000,
  defaultExt: 'txt',
  logger: {log() {}},
});

function collect(fileId, options = {}) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sink = new stream.Writable({
      write(chunk, enc, cb) { chunks.push(chunk); cb(); },
    });
    sink.on('finish', () => resolve(Buffer.concat(chunks)));
    fdfs.download(fileId, Object.assign({target: sink}, options)).catch(reject);
  });
}

function crc32(buf) {
  // zlib.crc32 exists from Node 20.15; fall back to a table otherwise.
  if (zlib.crc32) return zlib.crc32(buf) >>> 0;
  let c, crc = 0xFFFFFFFF;
  for (const b of buf) {
    c = (crc ^ b) & 0xFF;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xFFFFFFFF) >>> 0;
}

async function main() {
  const data = crypto.randomBytes(200 * 1024 + 7);
  const file = path.join(os.tmpdir(), `nimbus-interop-${process.pid}.bin`);
  fs.writeFileSync(file, data);

  const id = await fdfs.upload(file, {ext: 'bin'});
  // A plain name, or a trunk file's (16 more characters: where in which
  // trunk file), as the cluster's use_trunk_file decides.
  const named = id.match(/^group\d\/M00\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_-]{27}([A-Za-z0-9_-]{16})?\d{3}\.bin$/);
  assert.ok(named, `unexpected file ID ${id}`);
  console.log('upload ok:', id, named[1] ? '(packed in a trunk file)' : '');

  const back = await collect(id);
  assert.ok(back.equals(data), 'downloaded bytes differ');
  const part = await collect(id, {offset: 100, bytes: 50});
  assert.ok(part.equals(data.subarray(100, 150)), 'range download differs');
  console.log('download ok (full and range)');

  const info = await fdfs.getFileInfo(id);
  assert.strictEqual(info.size, data.length);
  assert.strictEqual(info.crc32 >>> 0, crc32(data));
  assert.ok(storages.includes(info.addr),
            `source ${info.addr} is not one of ${storages.join(', ')}`);
  assert.ok(Math.abs(info.timestamp - Date.now() / 1000) < 60, 'timestamp');
  console.log('file info ok:', JSON.stringify(info));

  await fdfs.setMetaData(id, {width: '1024', height: '768'});
  await fdfs.setMetaData(id, {height: '769', author: 'nimbus'}, 'M');
  const meta = await fdfs.getMetaData(id);
  assert.deepStrictEqual(meta, {width: '1024', height: '769', author: 'nimbus'});
  console.log('metadata ok:', JSON.stringify(meta));

  const buf = Buffer.from('buffer upload');
  const id2 = await fdfs.upload(buf, {ext: 'txt'});
  assert.ok((await collect(id2)).equals(buf));

  // Appender files: the client's own upload-appender, append and modify
  // commands (23, 24, 34), then a modify past the end, which Nimbus refuses
  // with EINVAL (docs/protocol.md) and which must leave the file as it was.
  const head = crypto.randomBytes(70 * 1024);
  const tail = crypto.randomBytes(3000);
  const id3 = await fdfs.upload(head, {method: 'uploadAppender', ext: 'log', group: appenderGroup});
  assert.match(id3, /^group\d+\/M00\/[0-9A-F]{2}\/[0-9A-F]{2}\/[A-Za-z0-9_-]{27}\d{3}\.log$/);
  assert.ok(id3.startsWith(`${appenderGroup}/`), `${id3} is not in ${appenderGroup}`);
  await fdfs.upload(tail, {method: 'append', fileId: id3});
  await fdfs.upload(Buffer.from('MODIFIED'), {method: 'modify', fileId: id3, offset: 1000});
  const expected = Buffer.concat([head, tail]);
  Buffer.from('MODIFIED').copy(expected, 1000);
  let refused = null;
  try {
    await fdfs.upload(Buffer.from('x'), {method: 'modify', fileId: id3, offset: expected.length + 1});
  } catch (e) { refused = String(e); }
  assert.ok(refused && /errno is: 22\b/.test(refused), `modify past the end: ${refused}`);
  assert.ok((await collect(id3)).equals(expected), 'appender file bytes differ');
  const info3 = await fdfs.getFileInfo(id3);
  assert.strictEqual(info3.size, expected.length);
  console.log('appender ok (upload, append, modify; modify past the end refused)');

  let id4 = null;
  if (replicatedGroup) {
    // Each command asks the tracker afresh, so the updates land on the
    // group's members in turn, each right after the last was answered.
    let want = crypto.randomBytes(1000);
    id4 = await fdfs.upload(want, {method: 'uploadAppender', ext: 'log', group: replicatedGroup});
    assert.ok(id4.startsWith(`${replicatedGroup}/`), `${id4} is not in ${replicatedGroup}`);
    for (let i = 0; i < 12; ++i) {
      const piece = crypto.randomBytes(64 * 1024 + i);
      await fdfs.upload(piece, {method: 'append', fileId: id4});
      want = Buffer.concat([want, piece]);
      if (i % 4 === 3) {
        const patch = crypto.randomBytes(10);
        const at = 50 * i;
        await fdfs.upload(patch, {method: 'modify', fileId: id4, offset: at});
        patch.copy(want, at);
      }
    }
    // Replication is asynchronous: the copies agree within a few seconds,
    // and reads go to the members in turn, so several reads in a row that
    // all match have seen every member's copy.
    let agreeing = 0;
    let last = null;
    for (const until = Date.now() + 20000; agreeing < 6 && Date.now() < until;) {
      last = await collect(id4);
      agreeing = last.equals(want) ? agreeing + 1 : 0;
      if (agreeing === 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.strictEqual(agreeing, 6,
        `replicated appender file: ${last && last.length} bytes read, ${want.length} expected, or contents differ`);
    assert.strictEqual((await fdfs.getFileInfo(id4)).size, want.length);
    console.log(`appender ok in ${replicatedGroup} (12 appends, 3 modifies through any member)`);
  }

  await fdfs.del(id);
  await fdfs.del(id2);
  await fdfs.del(id3);
  if (id4) await fdfs.del(id4);
  let missing = false;
  try { await fdfs.getFileInfo(id); } catch (e) { missing = true; }
  assert.ok(missing, 'deleted file still has info');
  console.log('delete ok');
  fs.unlinkSync(file);
  console.log('INTEROP PASSED');
  process.exit(0);
}

main().catch((e) => { console.error('INTEROP FAILED:', e); process.exit(1); });
