// One timed HTTP/1.1 exchange over a raw TCP socket. The clock runs from the
// first byte written to the last byte of the response read, on the client.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

// The status of the HTTP/1.1 response held in `buf` once all of it (headers
// and Content-Length or chunked body) has arrived; null before that.
export function completeResponse(buf, closed = false) {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (length) return buf.length >= bodyStart + Number(length[1]) ? status : null;
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    const last = buf.subarray(bodyStart).toString('latin1');
    return last.startsWith('0\r\n\r\n') || last.includes('\r\n0\r\n\r\n') ? status : null;
  }
  return closed ? status : null;  // no framing: the body ends when the server closes
}

// A connected socket to 127.0.0.1:port, or { error } when connecting fails
// or takes longer than timeoutMs. Socket errors are kept on the socket
// (socket.lastError) so a reset shows up as the reason of the close.
export function connect(port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    socket.on('error', (e) => { socket.lastError = e.code ?? e.message; });
    const timer = setTimeout(() => { socket.destroy(); resolve({ error: 'connect timeout' }); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve({ socket }); });
    socket.once('close', () => { clearTimeout(timer); resolve({ error: `connect ${socket.lastError ?? 'closed'}` }); });
  });
}

// Writes `request` and waits for the whole response, at most timeoutMs.
// Resolves { status, ms } or { error, ms }; never rejects. The socket is left
// open (keep-alive) unless the server closed it.
export function exchange(socket, request, timeoutMs) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const start = performance.now();
    const finish = (result) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ ...result, ms: performance.now() - start });
    };
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const status = completeResponse(buf);
      if (status !== null) finish({ status });
    };
    const onClose = () => {
      const status = completeResponse(buf, true);
      if (status !== null) finish({ status });
      else finish({ error: socket.lastError ?? (buf.length ? 'closed mid-response' : 'closed without answer') });
    };
    const timer = setTimeout(() => finish({ error: 'timeout' }), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    if (socket.destroyed) onClose();
    else socket.write(request);
  });
}

// `--name=value` arguments over defaults (numbers only).
export function options(defaults) {
  const out = { ...defaults };
  for (const arg of process.argv.slice(3)) {
    const m = /^--([a-zA-Z]+)=(\d+)$/.exec(arg);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown argument ${arg}; known: ${Object.keys(defaults).join(', ')}`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}
