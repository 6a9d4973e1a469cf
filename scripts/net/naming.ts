// Names: real ones cleaned for display, synthetic ones (units, people, phones) drawn from a
// seeded stream so that they are plausible and reproducible.
import { pick, type Rng } from './random.ts';

/**
 * "多福巷社区居委会" → "多福巷社区", "XX村村委会" → "XX村", "YY社区居民委员会" → "YY社区";
 * a bracketed note such as "（含东青村村委）" is dropped from the display name.
 */
export function displayCommunityName(official: string): string {
  let s = official.replace(/[（(][^）)]*[）)]?$/, '').trim();
  s = s.replace(/(居民委员会|村民委员会|居委会|村委会|委员会)$/, '');
  return s || official;
}

/** Kind of community from the 3-digit urban–rural code: 0xx 居委会, 2xx 村委会, 4xx/5xx 类似居委会 (parks, farms). */
export function communityKind(code: string): 'community' | 'village' | 'park' {
  const d = code[9];
  if (d === '0' || d === '1') return 'community';
  if (d === '2' || d === '3') return 'village';
  return 'park';
}

/** Kind of street from its 3-digit code: 0xx 街道, 1xx–2xx 镇/乡, 4xx 开发区/园区/other. */
export function streetKind(code: string): 'subdistrict' | 'town' | 'zone' {
  const d = code[6];
  if (d === '0') return 'subdistrict';
  if (d === '1' || d === '2') return 'town';
  return 'zone';
}

export const UNIT_TYPES_URBAN = ['学校', '医院', '机关单位', '农贸市场', '商业综合体', '企业', '学校', '企业'];
export const UNIT_TYPES_RURAL = ['企业', '工业园区', '学校', '农贸市场', '企业', '卫生院'];
export const UNIT_TYPES_ZONE = ['企业', '工业园区', '企业', '企业', '物流园', '学校'];

export function unitType(rng: Rng, kind: 'community' | 'village' | 'park'): string {
  return pick(rng, kind === 'community' ? UNIT_TYPES_URBAN : kind === 'village' ? UNIT_TYPES_RURAL : UNIT_TYPES_ZONE);
}

// Common surnames (roughly by frequency, with the local 江南 ones) and given-name characters.
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰云燕晨峰鹏浩宇欣怡婷雪琳斌海波梅琴丹健凯亮俊志新春晓琪嘉雯颖佳蕾倩慧荣国庆'.split('');

export function personName(rng: Rng): string {
  const s = pick(rng, SURNAMES);
  const g = rng() < 0.35 ? pick(rng, GIVEN) : pick(rng, GIVEN) + pick(rng, GIVEN);
  return s + g;
}

const PREFIXES = ['133', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '177', '180', '181', '187', '188', '189', '199'];

export function maskedPhone(rng: Rng): string {
  const tail = String(Math.floor(rng() * 10000)).padStart(4, '0');
  return `${pick(rng, PREFIXES)}****${tail}`;
}
