// Corner note: the subdivisions below district level are generated, not official.
export function Attribution() {
  return (
    <div className="attribution" data-testid="attribution" data-occludes>
      街道/社区/网格边界为合成数据（synthetic）
    </div>
  );
}
