// The composer's view of the caption schema: the fields a shot is described with, the 14 camera moves, and the
// caption they make. All of it comes from electron/shared/caption (one table, assets/captions/caption-schema.json,
// shared with the CLI and the synthetic world's captions), so what a user picks here is what the model was trained on.
import type { CameraMoveId } from '../../../electron/engine/api.js';
import { buildCaption, captionSchema, type CameraMove, type CaptionField } from '../../../electron/shared/caption/index.js';

export const captionFields: CaptionField[] = captionSchema.fields;
export const cameraMoves = captionSchema.camera_moves as Array<CameraMove & { id: CameraMoveId }>;

export function composeCaption(fields: Record<string, string>, camera?: CameraMoveId): string {
  return buildCaption(fields, camera);
}
