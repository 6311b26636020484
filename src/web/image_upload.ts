// What POST /api/predict accepts: a PNG or JPEG body, declared as such and starting with that format's signature.
// Checked before the bytes reach the decoder, so no other format (SVG, TIFF, …) is ever decoded for a client.
import { HttpError } from './http_error.js';

const SIGNATURES = {
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
} as const;

export type ImageType = keyof typeof SIGNATURES;

/** The declared image type; 415 for anything but image/png and image/jpeg. */
export function declaredImageType(contentType: string | undefined): ImageType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type in SIGNATURES) return type as ImageType;
  throw new HttpError(415, `Content-Type must be image/png or image/jpeg, got '${type || 'none'}'`);
}

/** 400 unless `body` starts like a `type` file. */
export function checkImageSignature(body: Buffer, type: ImageType): void {
  if (body.length === 0) throw new HttpError(400, 'the request body is empty: send a PNG or JPEG image');
  const signature = SIGNATURES[type];
  if (body.length < signature.length || !body.subarray(0, signature.length).equals(signature)) {
    throw new HttpError(
      400,
      `the body is not a ${type === 'image/png' ? 'PNG' : 'JPEG'} image (its first bytes do not match the format)`,
    );
  }
}
