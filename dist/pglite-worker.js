/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 376:
/***/ ((__unused_webpack_module, exports) => {


// How a PGlite instance gets its data directory and file bundle without Node's Blob and PGlite's tar loader.
//
// Every start copies the saved data directory (a 40 MB tar, 16 MB of it the WAL segment) into the instance's
// in-memory file system. Through PGlite's own path (`loadDataDir: Blob`) that cost ~0.25 s of CPU a start on
// history-300 (bench/README.md): Node's Blob copies what it is made of and reads it back in chunks joined again,
// then PGlite's tar reader parses every header field as a string, copies each file out of the tar and looks up every
// parent folder of every file. Here the tar is parsed once, and each file is written straight into PGDATA from
// PGlite's documented filesystem hook (a MemoryFS whose initial sync writes the files); PGlite then finds PG_VERSION
// and starts the cluster as it would after loading a tarball.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.BytesBlob = void 0;
exports.readTarEntries = readTarEntries;
exports.preloadedMemoryFs = preloadedMemoryFs;
/**
 * The entries of a tar, or undefined for anything this reader does not fully understand (long names, links, a
 * truncated archive, no PG_VERSION): PGlite's own loader then reads it, as before, with its own errors.
 */
function readTarEntries(tar) {
    const bytes = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
    const text = (at, length) => {
        let end = at;
        while (end < at + length && bytes[end] !== 0)
            end++;
        return bytes.toString('latin1', at, end);
    };
    const octal = (at, length) => {
        const digits = text(at, length).trim();
        return /^[0-7]*$/.test(digits) ? parseInt(digits || '0', 8) : undefined;
    };
    const entries = [];
    let at = 0;
    // The archive ends with zero blocks.
    while (at + 512 <= bytes.length && bytes[at] !== 0) {
        if (text(at + 257, 5) !== 'ustar')
            return undefined;
        const size = octal(at + 124, 12);
        const mtime = octal(at + 136, 12);
        const type = String.fromCharCode(bytes[at + 156]);
        if (size === undefined || mtime === undefined || !['0', '\0', '5'].includes(type))
            return undefined;
        const prefix = text(at + 345, 155);
        const name = `${prefix ? `${prefix}/` : ''}${text(at, 100)}`.replace(/^\/+/, '').replace(/\/+$/, '');
        if (name === '' || name.split('/').some((part) => part === '..' || part === '.' || part === ''))
            return undefined;
        const offset = at + 512;
        if (offset + size > bytes.length)
            return undefined;
        entries.push({ path: name, directory: type === '5', offset, size: type === '5' ? 0 : size, mtime });
        at = offset + Math.ceil((type === '5' ? 0 : size) / 512) * 512;
    }
    return entries.some((e) => e.path === 'PG_VERSION' && !e.directory) ? entries : undefined;
}
/** PGlite's data directory in its file system (PGDATA, src/initdb.ts of PGlite). */
const PGDATA = '/pglite/data';
/**
 * A MemoryFS whose first sync writes the data directory's files, the way PGlite's `loadTar` does (folders with
 * mkdir, files with writeFile then utime), so that the cluster starts from them.
 */
function preloadedMemoryFs(MemoryFS, tar, entries) {
    class PreloadedMemoryFS extends MemoryFS {
        async initialSyncFs() {
            await super.initialSyncFs();
            const FS = this.pg.Module.FS;
            // A plain Uint8Array: Emscripten copies what it writes with `slice()`, which on a Node Buffer is a view of the
            // same memory, so every instance would write into the one template.
            const bytes = new Uint8Array(tar.buffer, tar.byteOffset, tar.byteLength);
            FS.mkdirTree(PGDATA);
            const folders = new Set([PGDATA]);
            for (const entry of entries) {
                const target = `${PGDATA}/${entry.path}`;
                const parent = target.slice(0, target.lastIndexOf('/'));
                if (!folders.has(parent)) {
                    FS.mkdirTree(parent);
                    folders.add(parent);
                }
                if (entry.directory) {
                    if (!folders.has(target) && !FS.analyzePath(target).exists)
                        FS.mkdir(target);
                    folders.add(target);
                    continue;
                }
                // writeFile copies the bytes (the instance's file system grows and rewrites its files in place).
                FS.writeFile(target, bytes.subarray(entry.offset, entry.offset + entry.size));
                FS.utime(target, entry.mtime * 1000, entry.mtime * 1000);
            }
        }
    }
    return new PreloadedMemoryFS();
}
/**
 * Bytes passed where PGlite's options take a Blob (`fsBundle`, `loadDataDir`), of which PGlite only calls
 * `arrayBuffer()`: Node's Blob would copy them in and read them back in chunks joined again. Each call returns a
 * copy of its own, because the file system keeps the buffer it is given as the contents of its files and writes into
 * them (the file bundle's files own slices of it).
 */
class BytesBlob extends Blob {
    content;
    constructor(content) {
        super();
        this.content = content;
    }
    arrayBuffer() {
        // Not `slice()`: on a Node Buffer that is a view of the same memory, not a copy.
        const copy = new Uint8Array(this.content.byteLength);
        copy.set(this.content);
        return Promise.resolve(copy.buffer);
    }
}
exports.BytesBlob = BytesBlob;


/***/ }),

/***/ 495:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.runPgliteThread = runPgliteThread;
// The worker-thread side of one embedded Postgres instance (src/pglite-worker.ts starts it; ./pglite-instance.ts
// is the tool's side). PGlite runs synchronously in WebAssembly: in the tool's own thread a statement that never
// ends (`pg_sleep(600)`, an endless loop) would hold it, so no timer and no SIGINT/SIGTERM handler could ever run.
// In a thread of its own, the tool's thread stays free to end it (Worker.terminate() stops even a busy WebAssembly
// loop). The messages carry plain data only: SQL in, rows or an error's fields out.
const node_module_1 = __nccwpck_require__(995);
const node_worker_threads_1 = __nccwpck_require__(919);
const pglite_socket_1 = __nccwpck_require__(264);
const pglite_datadir_1 = __nccwpck_require__(376);
function errorFields(error) {
    const e = error;
    const fields = { message: String(e?.message ?? error) };
    for (const key of ['code', 'position', 'detail', 'hint']) {
        const value = e?.[key];
        if (typeof value === 'string' || typeof value === 'number')
            fields[key] = value;
    }
    return fields;
}
async function runPgliteThread() {
    const port = node_worker_threads_1.parentPort;
    if (!port)
        throw new Error('pglite-worker runs only as a worker thread');
    const start = node_worker_threads_1.workerData;
    const load = (0, node_module_1.createRequire)(start.pgliteEntry);
    let pg;
    try {
        const { PGlite, MemoryFS } = load(start.pgliteEntry);
        const extensions = {};
        for (const ext of start.extensions)
            extensions[ext.key] = load(ext.entry)[ext.exportName];
        const entries = (0, pglite_datadir_1.readTarEntries)(start.dataDir);
        pg = await PGlite.create({
            ...(entries
                ? { fs: (0, pglite_datadir_1.preloadedMemoryFs)(MemoryFS, start.dataDir, entries) }
                : { loadDataDir: new pglite_datadir_1.BytesBlob(start.dataDir) }),
            wasmModule: start.wasmModule,
            fsBundle: new pglite_datadir_1.BytesBlob(start.fsBundle),
            extensions,
            postgresqlconf: start.settings
        });
    }
    catch (error) {
        port.postMessage({ id: 0, error: errorFields(error) });
        return;
    }
    let served;
    const answer = async (request) => {
        switch (request.op) {
            case 'query':
                return { id: request.id, rows: (await pg.query(request.sql, request.params)).rows };
            case 'exec':
                await pg.exec(request.sql);
                return { id: request.id };
            case 'serve': {
                // The socket server lives next to the instance: the project's init commands reach it without the tool's
                // thread relaying every message.
                served = new pglite_socket_1.PGLiteSocketServer({
                    db: pg,
                    host: '127.0.0.1',
                    port: 0,
                    maxConnections: request.maxClients
                });
                await served.start();
                const [host, portNumber] = served.getServerConn().split(':');
                return { id: request.id, url: `postgresql://postgres@${host}:${portNumber}/postgres` };
            }
            case 'unserve':
                await served?.stop();
                served = undefined;
                // A client's SET (search_path, role…) is the one backend's: the next user of this instance starts clean.
                await pg.exec('ROLLBACK; RESET ALL; RESET ROLE').catch(() => undefined);
                return { id: request.id };
        }
    };
    port.on('message', (request) => {
        answer(request).then((reply) => port.postMessage(reply), (error) => port.postMessage({ id: request.id, error: errorFields(error) }));
    });
    port.postMessage({ id: 0 });
}


/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = require("net");

/***/ }),

/***/ 995:
/***/ ((module) => {

module.exports = require("node:module");

/***/ }),

/***/ 919:
/***/ ((module) => {

module.exports = require("node:worker_threads");

/***/ }),

/***/ 264:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var f=Object.defineProperty;var E=Object.getOwnPropertyDescriptor;var w=Object.getOwnPropertyNames;var C=Object.prototype.hasOwnProperty;var T=(h,i)=>{for(var e in i)f(h,e,{get:i[e],enumerable:!0})},q=(h,i,e,s)=>{if(i&&typeof i=="object"||typeof i=="function")for(let t of w(i))!C.call(h,t)&&t!==e&&f(h,t,{get:()=>i[t],enumerable:!(s=E(i,t))||s.enumerable});return h};var S=h=>q(f({},"__esModule",{value:!0}),h);var k={};T(k,{CANCEL_REQUEST_CODE:()=>y,CANCEL_REQUEST_LENGTH:()=>u,CONNECTION_QUEUE_TIMEOUT:()=>I,PGLiteSocketHandler:()=>d,PGLiteSocketServer:()=>v,SSL_REQUEST_CODE:()=>b,SSL_REQUEST_LENGTH:()=>c});module.exports=S(k);var p=__nccwpck_require__(278),I=6e4,b=80877103,c=8,y=80877102,u=16,m=class{constructor(i,e=!1){this.queue=[];this.processing=!1;this.lastHandlerId=null;this.db=i,this.debug=e}log(i,...e){this.debug&&console.log(`[QueryQueueManager] ${i}`,...e)}async enqueue(i,e,s){return new Promise((t,r)=>{let n={handlerId:i,message:e,resolve:t,reject:r,timestamp:Date.now(),onData:s};this.queue.push(n),this.log(`enqueued query from handler #${i}, queue size: ${this.queue.length}`),this.processing||this.processQueue()})}async processQueue(){if(!(this.processing||this.queue.length===0)){for(this.processing=!0;this.queue.length>0;){let i;if(this.db.isInTransaction()&&this.lastHandlerId){let t=this.queue.findIndex(r=>r.handlerId===this.lastHandlerId);t===-1?(this.log("transaction started, but no query from the same handler id found in queue",this.lastHandlerId),i=null):i=this.queue.splice(t,1)[0]}else i=this.queue.shift();if(!i)break;let e=Date.now()-i.timestamp;this.log(`processing query from handler #${i.handlerId} (waited ${e}ms)`);let s=0;try{await this.db.runExclusive(async()=>await this.db.execProtocolRawStream(i.message,{onRawData:t=>{s+=t.length,i.onData(t)}}))}catch(t){this.log(`query from handler #${i.handlerId} failed:`,t),i.reject(t);return}this.log(`query from handler #${i.handlerId} completed, ${s} bytes`),this.lastHandlerId=i.handlerId,i.resolve(s)}this.processing=!1,this.log("queue processing complete, queue length is",this.queue.length)}}getQueueLength(){return this.queue.length}clearQueueForHandler(i){let e=this.queue.length;this.queue=this.queue.filter(t=>t.handlerId===i?(t.reject(new Error("Handler disconnected")),!1):!0);let s=e-this.queue.length;s>0&&this.log(`cleared ${s} queries for handler #${i}`)}async clearTransactionIfNeeded(i){this.db.isInTransaction()&&this.lastHandlerId===i&&(await this.db.exec("ROLLBACK"),this.lastHandlerId=null,await this.processQueue())}},g=class g extends EventTarget{constructor(e){super();this.socket=null;this.active=!1;this.messageBuffer=Buffer.alloc(0);this.lastActivityTime=Date.now();this.queryQueue=e.queryQueue,this.closeOnDetach=e.closeOnDetach??!1,this.inspect=e.inspect??!1,this.debug=e.debug??!1,this.idleTimeout=e.idleTimeout??0,this.id=g.nextHandlerId++,this.log("constructor: created new handler")}get handlerId(){return this.id}log(e,...s){this.debug&&console.log(`[PGLiteSocketHandler#${this.id}] ${e}`,...s)}async attach(e){if(this.log(`attach: attaching socket from ${e.remoteAddress}:${e.remotePort}`),this.socket)throw new Error("Socket already attached");return this.socket=e,this.active=!0,this.lastActivityTime=Date.now(),e.setNoDelay(!0),this.idleTimeout>0&&this.resetIdleTimer(),this.log("attach: setting up socket event handlers"),e.on("data",s=>{this.lastActivityTime=Date.now(),this.resetIdleTimer(),setImmediate(async()=>{try{await this.handleData(s)}catch(t){this.log("socket on data error: ",t),this.handleError(t)}})}),e.on("error",s=>{setImmediate(()=>this.handleError(s))}),e.on("close",()=>{setImmediate(()=>this.handleClose())}),this.log("attach: socket handler ready"),this}resetIdleTimer(){this.idleTimeout<=0||(this.idleTimer&&clearTimeout(this.idleTimer),this.idleTimer=setTimeout(()=>{let e=Date.now()-this.lastActivityTime;this.log(`idle timeout after ${e}ms`),this.handleError(new Error("Idle timeout"))},this.idleTimeout))}async detach(e){if(this.log(`detach: detaching socket, close=${e??this.closeOnDetach}`),this.idleTimer&&(clearTimeout(this.idleTimer),this.idleTimer=void 0),!this.socket)return this.log("detach: no socket attached, nothing to do"),this;if(this.queryQueue.clearQueueForHandler(this.id),await this.queryQueue.clearTransactionIfNeeded(this.id),!this.socket)return this;if(this.socket.removeAllListeners("data"),this.socket.removeAllListeners("error"),this.socket.removeAllListeners("close"),(e??this.closeOnDetach)&&this.socket.writable){this.log("detach: closing socket");try{this.socket.end(),this.socket.destroy()}catch(s){this.log("detach: error closing socket:",s)}}return this.socket=null,this.active=!1,this.messageBuffer=Buffer.alloc(0),this.log("detach: handler cleaned up"),this}get isAttached(){return this.socket!==null}handleSslRequest(){if(this.messageBuffer.length<c)return!1;let e=this.messageBuffer.readInt32BE(0),s=this.messageBuffer.readInt32BE(4);return e===c&&s===b?(this.socket?.writable&&this.socket.write(Buffer.from("N")),this.messageBuffer=this.messageBuffer.slice(c),!0):!1}handleCancelRequest(){if(this.messageBuffer.length<u)return!1;let e=this.messageBuffer.readInt32BE(0),s=this.messageBuffer.readInt32BE(4);return e===u&&s===y?(this.messageBuffer=this.messageBuffer.slice(u),this.log("handleData: CancelRequest received, ignoring (not supported)"),!0):!1}async handleData(e){if(!this.socket||!this.active)return this.log("handleData: no active socket, ignoring data"),0;this.log(`handleData: received ${e.length} bytes`),this.messageBuffer=Buffer.concat([this.messageBuffer,e]),this.inspectData("incoming",e);try{let s=0;for(;this.messageBuffer.length>0;){if(this.handleSslRequest()||this.handleCancelRequest())continue;let t=0,r=!1;if(this.messageBuffer.length>=4){let o=this.messageBuffer.readInt32BE(0);if(this.messageBuffer.length>=8){let a=this.messageBuffer.readInt32BE(4);(a===196608||a===196608)&&(t=o,r=this.messageBuffer.length>=t)}!r&&this.messageBuffer.length>=5&&(t=1+this.messageBuffer.readInt32BE(1),r=this.messageBuffer.length>=t)}if(!r||t===0){this.log(`handleData: incomplete message, buffering ${this.messageBuffer.length} bytes`);break}let n=this.messageBuffer.slice(0,t);if(this.messageBuffer=this.messageBuffer.slice(t),this.log(`handleData: processing message of ${n.length} bytes`),!this.active||!this.socket){this.log("handleData: socket no longer active, stopping processing");break}let l;if(await this.queryQueue.enqueue(this.id,new Uint8Array(n),o=>{this.log(`handleData: received ${o.length} bytes from PGlite`),this.inspectData("outgoing",o),o.length>0&&this.socket&&this.socket.writable&&this.active&&(this.log("handleData: writing response to socket"),this.socket?.writable?this.socket.write(Buffer.from(o),a=>{a?(this.log("handleData: error writing to socket:",a),l=a):this.log(`handleData: socket sent: ${o.length} bytes`)}):this.log("handleData: socket no longer writable")),s+=o.length}),l)throw l}return this.dispatchEvent(new CustomEvent("data",{detail:{incoming:e.length,outgoing:s}})),s}catch(s){throw this.log("handleData: error processing data:",s),s}}handleError(e){if(!this.active){this.log("handleError: handler not active, ignoring error");return}e.message?.includes("ECONNRESET")?this.log("handleError: client disconnected (ECONNRESET) - normal behavior"):e.message?.includes("Idle timeout")?this.log("handleError: connection idle timeout"):this.log("handleError:",e),this.active=!1,this.dispatchEvent(new CustomEvent("error",{detail:e})),this.detach(!0)}handleClose(){this.log("handleClose: socket closed"),this.active=!1,this.dispatchEvent(new CustomEvent("close")),this.detach(!1)}inspectData(e,s){if(this.inspect){console.log("-".repeat(75)),console.log(e==="incoming"?"-> incoming":"<- outgoing",s.length,"bytes");for(let t=0;t<s.length;t+=16){let r=Math.min(16,s.length-t),n="";for(let o=0;o<16;o++)if(o<r){let a=s[t+o];n+=a.toString(16).padStart(2,"0")+" "}else n+="   ";let l="";for(let o=0;o<r;o++){let a=s[t+o];l+=a>=32&&a<=126?String.fromCharCode(a):"."}console.log(`${t.toString(16).padStart(8,"0")}  ${n} ${l}`)}}}};g.nextHandlerId=1;var d=g,v=class extends EventTarget{constructor(e){super();this.server=null;this.active=!1;this.handlers=new Set;this.db=e.db,e.path?this.path=e.path:(typeof e.port=="number"?this.port=e.port??e.port:this.port=5432,this.host=e.host||"127.0.0.1"),this.inspect=e.inspect??!1,this.debug=e.debug??!1,this.idleTimeout=e.idleTimeout??0,this.maxConnections=e.maxConnections??1,this.queryQueue=new m(this.db,this.debug),this.log(`constructor: created server on ${this.getServerConn()}`),this.log(`constructor: max connections: ${this.maxConnections}`),this.idleTimeout>0&&this.log(`constructor: idle timeout: ${this.idleTimeout}ms`)}log(e,...s){this.debug&&console.log(`[PGLiteSocketServer] ${e}`,...s)}async start(){if(this.log(`start: starting server on ${this.getServerConn()}`),this.server)throw new Error("Socket server already started");return await this.db.waitReady,this.active=!0,this.server=(0,p.createServer)(e=>{setImmediate(()=>this.handleConnection(e))}),this.server.maxConnections=this.maxConnections,new Promise((e,s)=>{if(!this.server)return s(new Error("Server not initialized"));let t=!1;if(this.server.on("error",r=>{this.log("start: server error:",r),this.dispatchEvent(new CustomEvent("error",{detail:r})),t||s(r)}),this.path)this.server.listen(this.path,()=>{t=!0,this.log(`start: server listening on ${this.getServerConn()}`),this.dispatchEvent(new CustomEvent("listening",{detail:{path:this.path}})),e()});else{let r=this.server;r.listen(this.port,this.host,()=>{t=!0;let n=r.address();if(n===null||typeof n!="object")throw Error("Expected address info");this.port=n.port,this.log(`start: server listening on ${this.getServerConn()}`),this.dispatchEvent(new CustomEvent("listening",{detail:{port:this.port,host:this.host}})),e()})}})}getServerConn(){return this.path?this.path:`${this.host}:${this.port}`}async stop(){this.log("stop: stopping server"),this.active=!1,this.log(`stop: detaching ${this.handlers.size} handlers`);for(let e of this.handlers)e.detach(!0);return this.handlers.clear(),this.server?new Promise(e=>{if(!this.server)return e();this.server.close(()=>{this.log("stop: server closed"),this.server=null,this.dispatchEvent(new CustomEvent("close")),e()})}):(this.log("stop: server not running, nothing to do"),Promise.resolve())}async handleConnection(e){let s={clientAddress:e.remoteAddress||"unknown",clientPort:e.remotePort||0};if(this.log(`handleConnection: new connection from ${s.clientAddress}:${s.clientPort}`),this.log(`handleConnection: active connections: ${this.handlers.size}, queued queries: ${this.queryQueue.getQueueLength()}`),!this.active){this.log("handleConnection: server not active, closing connection");try{e.end()}catch(r){this.log("handleConnection: error closing socket:",r)}return}if(this.handlers.size>=this.maxConnections){this.log("handleConnection: max connections reached, rejecting"),e.write(Buffer.from(`Too many connections
`)),e.end();return}let t=new d({queryQueue:this.queryQueue,closeOnDetach:!0,inspect:this.inspect,debug:this.debug,idleTimeout:this.idleTimeout});this.handlers.add(t),t.addEventListener("error",r=>{let n=r.detail;this.handlers.delete(t),n?.message?.includes("ECONNRESET")?this.log(`handler #${t.handlerId}: client disconnected (ECONNRESET)`):n?.message?.includes("Idle timeout")?this.log(`handler #${t.handlerId}: idle timeout`):this.log(`handler #${t.handlerId}: error:`,n)}),t.addEventListener("close",()=>{this.log(`handler #${t.handlerId}: closed`),this.handlers.delete(t),this.log(`handleConnection: active connections: ${this.handlers.size}`)});try{await t.attach(e),this.dispatchEvent(new CustomEvent("connection",{detail:s}))}catch(r){this.log("handleConnection: error attaching socket:",r),this.handlers.delete(t),this.dispatchEvent(new CustomEvent("error",{detail:r}));try{e.end()}catch(n){this.log("handleConnection: error closing socket:",n)}}}getStats(){return{activeConnections:this.handlers.size,queuedQueries:this.queryQueue.getQueueLength(),maxConnections:this.maxConnections}}};0&&(0);
//# sourceMappingURL=index.cjs.map

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			// no module.id needed
/******/ 			// no module.loaded needed
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/asset-relocator-loader */
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/************************************************************************/
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it uses a non-standard name for the exports (exports).
(() => {
var exports = __webpack_exports__;

Object.defineProperty(exports, "__esModule", ({ value: true }));
// Entry point of an embedded Postgres worker thread (dist/pglite-worker.js): one PGlite instance, answering the
// tool's thread (see src/postgres/pglite-thread.ts and src/postgres/pglite-instance.ts).
const pglite_thread_1 = __nccwpck_require__(495);
void (0, pglite_thread_1.runPgliteThread)();

})();

module.exports = __webpack_exports__;
/******/ })()
;