import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { Histogram } from '../api';
import { formatTime, Zone } from '../time';

const STEP_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Events per bucket as bars (uPlot); dragging across the chart, or clicking a bar, narrows the
 * time range. The same counts are offered as a table whose rows narrow too, for the keyboard.
 */
export function HistogramChart({ histogram, zone, onRange }: { histogram: Histogram; zone: Zone; onRange: (from: Date, to: Date) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const step = STEP_MS[histogram.interval];
  const rangeRef = useRef(onRange);
  rangeRef.current = onRange;

  useEffect(() => {
    const element = box.current;
    if (!element || histogram.buckets.length === 0) return;
    const xs = histogram.buckets.map((b) => Date.parse(b.start) / 1000);
    const ys = histogram.buckets.map((b) => b.count);
    const color = getComputedStyle(document.documentElement).getPropertyValue('--bar').trim() || '#3a78c2';
    const axis = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#555';
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--border').trim() || '#ddd';
    const make = (width: number) =>
      new uPlot(
        {
          width,
          height: 160,
          tzDate: (ts) => (zone === 'utc' ? uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : new Date(ts * 1000)),
          legend: { show: false },
          cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
          scales: {
            x: { time: true, range: (_u, min, max) => [min - step / 2000, max + step / 2000] },
            y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
          },
          axes: [
            { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
            { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 50 },
          ],
          series: [{}, { label: 'Events', stroke: color, fill: color, paths: uPlot.paths.bars!({ size: [0.9, 64] }), points: { show: false } }],
          hooks: {
            setSelect: [
              (u) => {
                const { left, width } = u.select;
                if (width < 3) return;
                const from = u.posToVal(left, 'x') * 1000;
                const to = u.posToVal(left + width, 'x') * 1000;
                u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                const start = Math.floor(from / step) * step;
                rangeRef.current(new Date(start), new Date(Math.max(start + step, Math.ceil(to / step) * step)));
              },
            ],
            ready: [
              (u) => {
                u.over.addEventListener('click', () => {
                  const idx = u.cursor.idx;
                  if (idx == null || u.select.width >= 3) return;
                  const start = xs[idx] * 1000;
                  rangeRef.current(new Date(start), new Date(start + step));
                });
              },
            ],
          },
        },
        [xs, ys],
        element,
      );
    const plot = make(Math.max(240, element.clientWidth));
    const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(240, element.clientWidth), height: 160 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot?.destroy();
    };
  }, [histogram, zone]);

  if (histogram.buckets.length === 0) return <p>No events in this range.</p>;
  const unit = histogram.interval;
  return (
    <div>
      <div
        ref={box}
        class="histogram"
        role="img"
        aria-label={`Events per ${unit}: ${histogram.buckets.length} ${unit}s with events, from ${formatTime(histogram.buckets[0].start, zone)} to ${formatTime(histogram.buckets[histogram.buckets.length - 1].start, zone)}. Drag across it or click a bar to narrow the time range.`}
      />
      <details>
        <summary>Counts per {unit} as a table</summary>
        <table class="problems">
          <thead>
            <tr>
              <th scope="col">{unit[0].toUpperCase() + unit.slice(1)} starting</th>
              <th scope="col">Events</th>
              <th scope="col">
                <span class="visually-hidden">Narrow</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {histogram.buckets.map((b) => (
              <tr>
                <td>{formatTime(b.start, zone)}</td>
                <td>{b.count}</td>
                <td>
                  <button type="button" class="btn link" onClick={() => onRange(new Date(b.start), new Date(Date.parse(b.start) + step))}>
                    Narrow to this {unit}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
