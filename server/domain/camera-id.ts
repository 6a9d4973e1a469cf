// GB/T 28181-2016 device ids (Appendix D, 编码规则 A): 20 decimal digits.
//
//   3204020 1 | 01 | 132 | 0 | 000123
//   中心编码 (8) = the 6-digit administrative code (GB/T 2260) of the centre's district or county
//                  + 2 digits for the base unit (基层接入单位) under it
//   行业编码 (2) = the industry: 00 社会治安路面接入, 01 社会治安社区接入, 08 城市管理接入 …
//   类型编码 (3) = 131 camera (摄像机, analogue, behind an encoder), 132 IP camera (网络摄像机) …
//   网络标识 (1) = 0–4 the monitoring and alarm private network (监控报警专网), 5 the public
//                  security network, 6 the government network (政务网), 7 the Internet,
//                  8 the social-resource access network (社会资源接入网)
//   序号 (6)     = the device's number under the first 14 digits
// Pure: no I/O.

export const CAMERA_OWNERS = ['police', 'cityManagement', 'community'] as const;
export type CameraOwner = (typeof CAMERA_OWNERS)[number];
export const CAMERA_TYPES = ['bullet', 'dome', 'ptz'] as const;
export type CameraType = (typeof CAMERA_TYPES)[number];
export const CAMERA_STATUSES = ['online', 'offline', 'fault'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

/** What each owner's cameras are coded as: who runs them decides industry, base unit and network. */
export const OWNER_CODING: Record<CameraOwner, { industry: string; baseUnit: string; network: string; name: string }> = {
  // 雪亮工程: road cameras of the public-security bureau, on the monitoring private network.
  police: { industry: '00', baseUnit: '01', network: '0', name: '公安·雪亮工程' },
  // 城管: the urban-management bureau's cameras, on the government network.
  cityManagement: { industry: '08', baseUnit: '02', network: '6', name: '城管' },
  // Residential estates' and communities' cameras, joined through the social-resource network.
  community: { industry: '01', baseUnit: '03', network: '8', name: '社区' },
};

export const CAMERA_ID_PATTERN = '^\\d{20}$';

export interface CameraIdParts {
  /** The 6-digit district or county code (GB/T 2260). */
  district: string;
  baseUnit: string;
  industry: string;
  /** '131' camera, '132' IP camera. */
  type: string;
  network: string;
  serial: number;
}

export function cameraId(p: CameraIdParts): string {
  if (!/^\d{6}$/.test(p.district) || !/^\d{2}$/.test(p.baseUnit) || !/^\d{2}$/.test(p.industry) || !/^13[12]$/.test(p.type) || !/^\d$/.test(p.network)) {
    throw new Error(`camera id: bad parts ${JSON.stringify(p)}`);
  }
  if (!Number.isInteger(p.serial) || p.serial < 0 || p.serial > 999_999) throw new Error(`camera id: serial ${p.serial} out of 0–999999`);
  return `${p.district}${p.baseUnit}${p.industry}${p.type}${p.network}${String(p.serial).padStart(6, '0')}`;
}

/** The parts of a camera's id, or null when it is not a 20-digit camera (131/132) id. */
export function parseCameraId(id: string): CameraIdParts | null {
  if (!/^\d{20}$/.test(id)) return null;
  const type = id.slice(10, 13);
  if (type !== '131' && type !== '132') return null;
  return { district: id.slice(0, 6), baseUnit: id.slice(6, 8), industry: id.slice(8, 10), type, network: id.slice(13, 14), serial: Number(id.slice(14)) };
}
