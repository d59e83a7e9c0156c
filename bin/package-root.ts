import fs from 'node:fs';
import path from 'node:path';

/** The folder of this package's package.json, whether running from sources (tsx) or from dist/. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === '@iot-center/node-red'
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the @iot-center/node-red package above ${from}`);
    dir = parent;
  }
}
