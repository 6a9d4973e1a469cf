// The carousel on the wall: reads its stops from the URL (schedule.ts parseCarousel), shows
// the first once the wall knows its scope, turns on a timer, holds while anyone touches the
// wall (pointer, wheel, key, touch) and resumes after the quiet time. The small badge over
// the map says which: 轮播中 (with the stop) or 已暂停.
import { useEffect, useSyncExternalStore } from 'react';
import { fetchArea } from '../api.ts';
import { clearSelection, fitArea } from '../selection.ts';
import { getState, subscribe } from '../store.ts';
import { setView } from '../view.ts';
import { CarouselSchedule, parseCarousel, type CarouselConfig, type CarouselView } from './schedule.ts';

interface Shown {
  config: CarouselConfig | null;
  index: number;
  paused: boolean;
  name: string;
}

let shown: Shown = { config: null, index: 0, paused: false, name: '' };
const listeners = new Set<() => void>();
const show = (patch: Partial<Shown>): void => {
  shown = { ...shown, ...patch };
  for (const l of listeners) l();
};
const subscribeShown = (l: () => void): (() => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

const TOUCHES = ['pointerdown', 'wheel', 'keydown', 'touchstart'] as const;

function apply(v: CarouselView, index: number): void {
  clearSelection(); // a grid opened by the last visitor is not what the next stop is about
  setView({ area: v.area, ...(v.kpi ? { kpi: v.kpi } : {}), ...(v.range ? { range: v.range } : {}), ...(v.layers ? { layers: v.layers } : {}) });
  void fitArea(v.area);
  void fetchArea(v.area)
    .then((a) => shown.index === index && show({ name: a.name }))
    .catch(() => {});
}

/** Starts the carousel named in the URL, if any; returns the stop. */
export function startCarousel(search: string): () => void {
  const config = parseCarousel(search);
  if (!config) return () => {};
  const schedule = new CarouselSchedule(config.views.length, config.timing, performance.now());
  show({ config, index: 0, paused: false, name: '' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(step, schedule.nextDueIn(performance.now()) + 5);
  };
  const step = (): void => {
    const i = schedule.tick(performance.now());
    if (i !== null) {
      show({ index: i, name: '' });
      apply(config.views[i]!, i);
    }
    if (shown.paused !== schedule.paused) show({ paused: schedule.paused });
    arm();
  };
  const onTouch = (): void => {
    schedule.touch(performance.now());
    if (!shown.paused) show({ paused: true });
    arm();
  };
  for (const e of TOUCHES) window.addEventListener(e, onTouch, { capture: true, passive: true });
  // The first stop once the wall knows its scope (the scope's own framing comes first).
  let started = false;
  const begin = (): void => {
    if (started || !getState().scope) return;
    started = true;
    apply(config.views[0]!, 0);
  };
  const unsubscribe = subscribe(begin);
  begin();
  arm();
  return () => {
    clearTimeout(timer);
    unsubscribe();
    for (const e of TOUCHES) window.removeEventListener(e, onTouch, { capture: true });
    show({ config: null });
  };
}

export function CarouselBadge() {
  useEffect(() => startCarousel(window.location.search), []);
  const s = useSyncExternalStore(subscribeShown, () => shown);
  if (!s.config) return null;
  const n = s.config.views.length;
  return (
    <div
      className={s.paused ? 'carousel-badge carousel-paused' : 'carousel-badge'}
      data-testid="carousel"
      data-state={s.paused ? 'paused' : 'playing'}
      data-index={s.index}
      data-area={s.config.views[s.index]?.area ?? ''}
      data-occludes
    >
      <span className="dot" />
      {s.paused ? '已暂停' : '轮播中'}
      <span className="carousel-where">
        {s.index + 1}/{n}
        {s.name ? ` · ${s.name}` : ''}
      </span>
    </div>
  );
}
