/** JSON lines over a local socket: the capturing process's messages to the launcher. */
import * as net from 'node:net';
import type { WorkerMessage } from '../../core/training/protocol';

export interface Channel {
  send(message: WorkerMessage): void;
  /** Resolves once everything sent is written. */
  close(): Promise<void>;
}

export function openChannel(socketPath: string): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath, () => {
      socket.off('error', reject);
      resolve({
        send: (message) => void socket.write(`${JSON.stringify(message)}\n`),
        close: () => new Promise((done) => socket.end(done)),
      });
    });
    socket.once('error', reject);
  });
}

/** Calls `onMessage` for every complete JSON line a connection sends. */
export function readMessages(socket: net.Socket, onMessage: (message: WorkerMessage) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) {
        onMessage(JSON.parse(line) as WorkerMessage);
      }
      newline = buffered.indexOf('\n');
    }
  });
}
