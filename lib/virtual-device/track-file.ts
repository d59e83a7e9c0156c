/** A GPS track from a JSON file: IoT Center's gpxData.json shape, `[[lat, lon], ...]`, or `[{lat, lon}, ...]`. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GpsTrackError, parseGpsTrack, type GpsTrack } from '../environment';

/** Reads and checks the track; a relative path is taken from `baseDir` (Node-RED's user directory). */
export async function loadTrackFile(file: string, baseDir: string): Promise<GpsTrack> {
  if (file.trim() === '')
    throw new GpsTrackError('no GPS track file is set: give the path of a JSON file of [lat, lon] points');
  const fullPath = path.resolve(baseDir, file.trim());
  let text: string;
  try {
    text = await readFile(fullPath, 'utf8');
  } catch (e) {
    throw new GpsTrackError(`cannot read the GPS track file ${fullPath}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GpsTrackError(`the GPS track file ${fullPath} is not JSON: ${(e as Error).message}`);
  }
  return parseGpsTrack(json);
}
