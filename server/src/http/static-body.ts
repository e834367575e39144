// A JSON body computed once at start and sent many times: serialised, gzipped and
// tagged once, answered 304 when the client already has it.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

export interface StaticBody {
  readonly etag: string;
  readonly bytes: number;
  send(req: Request, res: Response): void;
}

export function staticJsonBody(value: unknown, contentType = 'application/json'): StaticBody {
  const raw = Buffer.from(JSON.stringify(value));
  const etag = `"${crypto.createHash('sha1').update(raw).digest('base64url')}"`;
  let gzipped: Buffer | null = null;
  return {
    etag,
    bytes: raw.length,
    send(req, res) {
      res.setHeader('ETag', etag);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', 'private, no-cache');
      res.type(contentType);
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        res.status(304).end();
        return;
      }
      // Small bodies are not worth the header; the geometry files are.
      if (raw.length > 1024 && req.acceptsEncodings('gzip') === 'gzip') {
        gzipped ??= zlib.gzipSync(raw, { level: 6 });
        res.setHeader('Content-Encoding', 'gzip');
        res.send(gzipped);
        return;
      }
      res.send(raw);
    },
  };
}

// An origin server may answer 304 even to `Cache-Control: no-cache` (which fetch() adds to
// conditional requests), so compare the tags directly instead of using req.fresh.
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
