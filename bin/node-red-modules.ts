/**
 * Node-RED and the modules that come with it (express, bcryptjs), loaded at run time: Node-RED is a
 * devDependency, so only the repository has it and the published package must not import it statically.
 */
import path from 'node:path';
import { packageRoot } from './package-root';

/** Node-RED's package folder; throws a plain message where it is not installed (an installed package). */
export function nodeRedDir(): string {
  try {
    return path.dirname(require.resolve('node-red/package.json', { paths: [packageRoot()] }));
  } catch {
    throw new Error(
      '`iot-center start` runs the Node-RED of the repository (npm start in a clone), and none is installed here. ' +
        'With the package installed in ~/.node-red, start Node-RED as usual (the nodes are in its palette) and ' +
        'run `iot-center emulator` for a local InfluxDB 2.x API',
    );
  }
}

/** `file` as a module: Node-RED's own (`node-red`), one of its dependencies, or an absolute path. */
export function loadModule<T>(name: string): T {
  const file = path.isAbsolute(name) ? name : require.resolve(name, { paths: [nodeRedDir()] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}
