export { encodeMp4, padToEven, type ClipFrames, type EncodedClip, type EncodeOptions } from './encode.js';
export { extractFrames } from './extract.js';
export { readClipMetadata, sidecarPath, parseFfmetadata } from './metadata.js';
export { ffmpegPath } from './ffmpeg.js';
