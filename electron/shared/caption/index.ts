export { buildCaption, cameraMove, captionSchema, type CameraMove, type CaptionField, type CaptionFields, type CaptionSchema } from './build.js';
