// The small picture under the cursor while a clip is dragged out of the studio (32x32 PNG).
export const DRAG_ICON_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAYklEQVR42mNgGAWjYDCBmpj//+mBB78DRMTkXtMCk+QAZIegO4wc/tBzwIBHwaB2wJt3X/8PuANgeMAdQIojaOYAYh1CcwcQcsjwDYGRmQuGf0k4WhsOaBSM3DbhKBgFAwEAo2lthQ1JdCwAAAAASUVORK5CYII=';
