// Calm colours per ticket status, readable on the dark map from across the room.
// Known codes get a fixed meaning; anything else the server adds gets a neutral tone.
import type { RGBA } from './ticketBuffer.ts';

const KNOWN: Record<string, RGBA> = {
  reported: [255, 184, 77, 235], // amber: new, waiting for the dispatcher
  registered: [255, 210, 120, 230],
  dispatched: [94, 178, 255, 230], // blue: with a department
  accepted: [94, 178, 255, 230],
  handling: [94, 178, 255, 230],
  in_progress: [94, 178, 255, 230],
  feedback: [150, 140, 255, 230],
  returned: [255, 120, 90, 235],
  rework: [255, 120, 90, 235],
  escalated: [255, 96, 96, 240],
  overdue: [255, 80, 80, 240],
  closed: [88, 196, 140, 170], // green, quieter: done
  self_handled: [88, 196, 140, 170],
  rejected: [130, 140, 155, 140],
};
const OTHER: RGBA = [200, 200, 210, 200];

export const statusColor = (status: string): RGBA => KNOWN[status] ?? OTHER;
export const statusCss = (status: string): string => {
  const [r, g, b] = statusColor(status);
  return `rgb(${r},${g},${b})`;
};
