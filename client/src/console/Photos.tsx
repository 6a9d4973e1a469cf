// Photo evidence on a ticket: thumbnails of the timeline's 上传照片 entries, read through the
// session (so an expired token renews) into object URLs. A photo the server does not have
// (404, or the photo service not there yet) shows as a placeholder, never as an error.
import { useEffect, useState } from 'react';
import { fetchThumb } from './api.ts';
import type { TimelineEntry } from './types.ts';

export interface PhotoRef {
  hash: string;
  kind: string;
  at: string;
}

export function photosOf(entries: TimelineEntry[]): PhotoRef[] {
  return entries
    .filter((e) => e.action === 'attach' && typeof e.data?.photo === 'string')
    .map((e) => ({ hash: e.data!.photo as string, kind: String(e.data!.kind ?? ''), at: e.at }));
}

export function Thumb({ hash, label }: { hash: string; label: string }) {
  const [url, setUrl] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    const ctl = new AbortController();
    let made: string | null = null;
    void fetchThumb(hash, ctl.signal).then((u) => {
      if (ctl.signal.aborted) {
        if (u) URL.revokeObjectURL(u);
        return;
      }
      made = u;
      setUrl(u);
    });
    return () => {
      ctl.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [hash]);
  return (
    <a className="cs-thumb" href={`/api/photos/${encodeURIComponent(hash)}`} target="_blank" rel="noreferrer" title={label} data-testid="photo">
      {url ? <img src={url} alt={label} /> : <span className="cs-thumb-none">{url === undefined ? '加载中' : '照片不可用'}</span>}
      <span className="cs-thumb-label">{label}</span>
    </a>
  );
}

const KIND: Record<string, string> = { before: '处置前', after: '处置后' };

export function Photos({ photos }: { photos: PhotoRef[] }) {
  if (photos.length === 0) return null;
  return (
    <div className="cs-photos" data-testid="photos">
      {photos.map((p) => (
        <Thumb key={p.hash + p.at} hash={p.hash} label={KIND[p.kind] ?? '照片'} />
      ))}
    </div>
  );
}
