// One camera's live video: hls.js where the browser has Media Source Extensions (Chromium,
// Firefox, Edge), the browser's own HLS where it plays it natively (Safari, iOS). Muted, so
// a wall may start it without a gesture; the shipped test signal is labelled as such.
// hls.js (~160 KB gzipped) is loaded with the first video, not with the wall.
import { useEffect, useRef, useState } from 'react';

export function HlsVideo({ url, testSignal, label }: { url: string; testSignal: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    setProblem(null);
    if (video.canPlayType('application/vnd.apple.mpegurl') && !('MediaSource' in window)) {
      video.src = url;
      return () => {
        video.removeAttribute('src');
        video.load();
      };
    }
    let live = true;
    let destroy = () => {};
    import('hls.js')
      .then(({ default: Hls }) => {
        if (!live) return;
        if (!Hls.isSupported()) {
          if (video.canPlayType('application/vnd.apple.mpegurl')) video.src = url;
          else setProblem('此浏览器不支持 HLS 视频');
          return;
        }
        const hls = new Hls({ lowLatencyMode: true, backBufferLength: 10 });
        hls.on(Hls.Events.ERROR, (_e, d) => {
          if (d.fatal) setProblem(d.type === Hls.ErrorTypes.NETWORK_ERROR ? '视频流无法连接' : '视频无法播放');
        });
        hls.loadSource(url);
        hls.attachMedia(video);
        destroy = () => hls.destroy();
      })
      .catch(() => live && setProblem('视频播放器加载失败'));
    return () => {
      live = false;
      destroy();
      if (video.getAttribute('src')) {
        video.removeAttribute('src');
        video.load();
      }
    };
  }, [url]);
  return (
    <div className="hls-video">
      <video ref={ref} muted autoPlay loop playsInline data-testid="camera-video" aria-label={label} />
      {testSignal && <span className="video-tag">测试信号 · 示例</span>}
      {problem && <span className="video-problem">{problem}</span>}
    </div>
  );
}
