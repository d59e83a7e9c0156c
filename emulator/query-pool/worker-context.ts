/**
 * The FluxContext inside a worker: reads go to the worker's own read-only connection and see only the
 * buckets the main thread listed as readable; `to()` is a synchronous call to the main thread, which
 * checks the caller's write permission and writes in its one writer connection.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ApiError } from '../errors';
import type { FluxContext, WritableBucket, WriteRefusal } from '../flux/context';
import type { PointStore } from '../storage/types';
import type { WorkerJob, WriteAnswer, WriteCall } from './protocol';

export interface WriteLine {
  port: MessagePort;
  signal: Int32Array;
}

export function workerFluxContext(job: WorkerJob, points: PointStore, line: WriteLine): FluxContext {
  const { readable, orgID } = job;
  return {
    now: job.now,
    orgID,
    points,
    findBucket: (ref) => {
      if (ref.id !== undefined) return readable.find((b) => b.id === ref.id);
      if (ref.name !== undefined) return readable.find((b) => b.orgID === orgID && b.name === ref.name);
      return undefined;
    },
    listBuckets: () => readable.filter((b) => b.orgID === orgID),
    writeBucket: (ref): WritableBucket | WriteRefusal => {
      const answer = call(line, { type: 'resolve', id: job.id, ref });
      if (answer.type === 'refused') return answer.refusal;
      if (answer.type !== 'resolved') throw unexpected(answer);
      const { bucket } = answer;
      return {
        bucket,
        write: (batch) => {
          const written = call(line, { type: 'write', id: job.id, bucketID: bucket.id, points: batch });
          if (written.type === 'failed') throw new ApiError(written.error.code, written.error.message);
          if (written.type !== 'written') throw unexpected(written);
        },
      };
    },
  };
}

/** Blocks this worker until the main thread answers: to() is synchronous in the engine. */
function call(line: WriteLine, message: WriteCall): WriteAnswer {
  Atomics.store(line.signal, 0, 0);
  line.port.postMessage(message);
  Atomics.wait(line.signal, 0, 0);
  const received = receiveMessageOnPort(line.port);
  if (!received) throw new Error('query worker: the main thread signalled a write answer that is not there');
  return received.message as WriteAnswer;
}

function unexpected(answer: WriteAnswer): Error {
  return new Error(`query worker: unexpected write answer ${answer.type}`);
}
