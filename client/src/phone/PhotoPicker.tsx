// 拍照: the phone's camera (or its gallery) through a file input, with thumbnails to check
// and remove before sending. Up to 6 photos per kind, as evidence (before/after handling).
import { useEffect, useRef } from 'react';

const MAX_PHOTOS = 6;

export function PhotoPicker({ label, files, onChange, testId, required }: {
  label: string;
  files: File[];
  onChange: (files: File[]) => void;
  testId: string;
  required?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const urls = useRef(new Map<File, string>());
  // Thumbnails' object URLs live as long as their photo is in the list.
  useEffect(() => {
    for (const [f, u] of urls.current) {
      if (!files.includes(f)) {
        URL.revokeObjectURL(u);
        urls.current.delete(f);
      }
    }
  }, [files]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  const urlOf = (f: File): string => {
    let u = urls.current.get(f);
    if (!u) urls.current.set(f, (u = URL.createObjectURL(f)));
    return u;
  };
  return (
    <div className="ph-photos" data-testid={testId}>
      <div className="ph-field-label">
        {label}
        {required && <span className="ph-required">（必需）</span>}
      </div>
      <div className="ph-photo-row">
        {files.map((f, i) => (
          <div key={i} className="ph-thumb">
            <img src={urlOf(f)} alt={`${label} ${i + 1}`} />
            <button type="button" className="ph-thumb-remove" aria-label={`删除第 ${i + 1} 张`} onClick={() => onChange(files.filter((x) => x !== f))}>
              ×
            </button>
          </div>
        ))}
        {files.length < MAX_PHOTOS && (
          <button type="button" className="ph-photo-add" data-testid={`${testId}-add`} onClick={() => input.current?.click()}>
            <span className="ph-photo-plus" aria-hidden="true">
              +
            </span>
            拍照
          </button>
        )}
      </div>
      <input
        ref={input}
        className="ph-hidden"
        type="file"
        accept="image/jpeg,image/png,image/webp"
        capture="environment"
        multiple
        data-testid={`${testId}-input`}
        onChange={(e) => {
          const picked = Array.from(e.target.files ?? []);
          e.target.value = ''; // the same photo may be taken again after removing it
          onChange([...files, ...picked].slice(0, MAX_PHOTOS));
        }}
      />
    </div>
  );
}
