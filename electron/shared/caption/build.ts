// The structured caption (spec §7.2, §7.3): the composer, the CLI and the synthetic world's captions (Python) build
// prompts with one rule from one table, assets/captions/caption-schema.json, so what a user writes is worded the way
// the model was trained. Pure and free of Node imports: the renderer bundles it too.
//
// The rule: fields in schema order; each value trimmed and its trailing . ! ? (and any space among them) stripped;
// empty fields skipped; the value substituted into the field's template; the camera move's sentence inserted at
// `camera_position` (after the dense description's slot, even when dense is empty; first when the position names no
// field); "." appended to any piece that does not end in . ! or ?; pieces joined by the schema's joiner.
// native-models/hyvideo/world/captions.py (render_caption) is the Python twin; caption_vectors.json holds the
// cases both must agree on.

import schemaJson from '../../../assets/captions/caption-schema.json' with { type: 'json' };

export interface CaptionField {
  id: string;
  label: string;
  template: string;
}

export interface CameraMove {
  id: string;
  label: string;
  sentence: string;
}

export interface CaptionSchema {
  version: number;
  fields: CaptionField[];
  camera_position: string;
  joiner: string;
  camera_moves: CameraMove[];
}

export const captionSchema: CaptionSchema = schemaJson;

export type CaptionFields = Readonly<Record<string, string | null | undefined>>;

const ENDS_A_SENTENCE = /[.!?]$/;
const TRAILING_PUNCTUATION = /[.!?\s]+$/;

export function cameraMove(id: string, schema: CaptionSchema = captionSchema): CameraMove {
  const move = schema.camera_moves.find((m) => m.id === id);
  if (!move) throw new RangeError(`unknown camera move "${id}" (known: ${schema.camera_moves.map((m) => m.id).join(', ')})`);
  return move;
}

/** strip(), then trailing sentence marks and the spaces among them (" calm . " → "calm"), as the Python twin. */
function cleanValue(value: string | null | undefined): string {
  return (value ?? '').trim().replace(TRAILING_PUNCTUATION, '');
}

function asSentence(piece: string): string {
  return ENDS_A_SENTENCE.test(piece) ? piece : `${piece}.`;
}

/** The field after which the camera sentence goes ("after_dense" → "dense"); first when there is none. */
function cameraAnchor(schema: CaptionSchema): string | undefined {
  return schema.camera_position.startsWith('after_') ? schema.camera_position.slice('after_'.length) : undefined;
}

export function buildCaption(fields: CaptionFields, camera?: string, schema: CaptionSchema = captionSchema): string {
  const known = new Set(schema.fields.map((f) => f.id));
  const unknown = Object.keys(fields).filter((id) => !known.has(id));
  if (unknown.length) throw new RangeError(`unknown caption field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${[...known].join(', ')})`);

  const cameraPiece = camera === undefined ? undefined : cameraMove(camera, schema).sentence;
  const anchor = cameraAnchor(schema);
  const pieces: string[] = [];
  if (cameraPiece !== undefined && anchor === undefined) pieces.push(cameraPiece);
  for (const field of schema.fields) {
    const value = cleanValue(fields[field.id]);
    // A replacer function, so "$&" in user text stays literal.
    if (value !== '') pieces.push(asSentence(field.template.replace('{}', () => value)));
    if (cameraPiece !== undefined && field.id === anchor) pieces.push(cameraPiece);
  }
  return pieces.join(schema.joiner);
}
