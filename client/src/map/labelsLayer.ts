// Area names drawn by deck.gl (no glyph server offline): CJK from the system font, outlined.
import { TextLayer } from '@deck.gl/layers';
import type { PlacedLabel } from './declutter.ts';
import { uiScale } from '../layout/scale.ts';

const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export function labelsLayer(placed: PlacedLabel[]): TextLayer<PlacedLabel> {
  return new TextLayer<PlacedLabel>({
    id: 'labels',
    data: placed,
    getPosition: (l) => l.position,
    getText: (l) => l.name,
    getSize: (l) => l.size,
    getColor: (l) => l.color,
    sizeUnits: 'pixels',
    characterSet: 'auto',
    fontFamily: FONT,
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 56, buffer: 8, radius: 12 },
    outlineWidth: 4 * uiScale(),
    outlineColor: [6, 12, 24, 235],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    billboard: true,
    pickable: false,
  });
}
