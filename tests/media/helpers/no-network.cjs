// Preloaded with `node --require` by tests/media/barcode-offline.test.ts: into the process and, as
// node passes --require on to worker threads, into the barcode worker too. Any attempt to reach
// the network (fetch, or a TCP/TLS connection) is reported on stderr and fails. Local IPC (a unix
// socket path, which tsx uses between its processes) is no network and goes through.
const net = require('node:net');
const connect = net.Socket.prototype.connect;

function attempted(what) {
  process.stderr.write(`NETWORK ATTEMPT: ${what}\n`);
  return new Error(`network access attempted: ${what}`);
}

globalThis.fetch = async (input) => {
  throw attempted(`fetch ${input instanceof Request ? input.url : String(input)}`);
};
net.Socket.prototype.connect = function (...args) {
  const target = Array.isArray(args[0]) ? args[0][0] : args[0];
  const local = typeof target === 'string' ? !/^\d+$/.test(target) : typeof target?.path === 'string';
  if (local) return connect.apply(this, args);
  throw attempted(`connect ${JSON.stringify(target)}`);
};
