import { formatMoney, TableHead } from "./components.js";

export interface RevenueSeries {
  currency: string;
  totalMinor: number;
  days: Array<{ day: string; amountMinor: number }>;
}

const width = 720;
const height = 220;
const padding = { top: 16, right: 16, bottom: 28, left: 64 };

/**
 * Daily net revenue as bars, hand-drawn in SVG (a chart library would outweigh the whole app). The
 * numbers are also in a visually hidden table, so a screen reader gets the data, not a picture.
 */
export function RevenueChart(props: { series: RevenueSeries }) {
  const { days, currency } = props.series;
  const maxMinor = Math.max(100, ...days.map((day) => day.amountMinor));
  const plotWidth = width - padding.left - padding.right;
  const plotHeight = height - padding.top - padding.bottom;
  const slot = plotWidth / days.length;
  const barWidth = Math.max(2, slot * 0.7);
  const y = (amount: number) => padding.top + plotHeight - (Math.max(0, amount) / maxMinor) * plotHeight;
  const ticks = [0, 0.5, 1].map((fraction) => Math.round(maxMinor * fraction));
  const labelEvery = Math.ceil(days.length / 6);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="revenue-chart-title">
        <title id="revenue-chart-title">
          Net revenue per day in {currency}, last {days.length} days:{" "}
          {formatMoney(props.series.totalMinor, currency)} in total
        </title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={padding.left}
              x2={width - padding.right}
              y1={y(tick)}
              y2={y(tick)}
              className="chart-grid"
            />
            <text x={padding.left - 8} y={y(tick) + 4} textAnchor="end" className="chart-label">
              {formatMoney(tick, currency)}
            </text>
          </g>
        ))}
        {days.map((day, index) => {
          const x = padding.left + index * slot + (slot - barWidth) / 2;
          return (
            <g key={day.day}>
              {day.amountMinor > 0 ? (
                <rect
                  x={x}
                  y={y(day.amountMinor)}
                  width={barWidth}
                  height={y(0) - y(day.amountMinor)}
                  rx={2}
                  className="chart-bar"
                >
                  <title>
                    {day.day}: {formatMoney(day.amountMinor, currency)}
                  </title>
                </rect>
              ) : null}
              {index % labelEvery === 0 || index === days.length - 1 ? (
                <text x={x + barWidth / 2} y={height - 8} textAnchor="middle" className="chart-label">
                  {day.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div className="visually-hidden">
        <table>
          <caption>Net revenue per day ({currency})</caption>
          <TableHead columns={["Day", "Revenue"]} />
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <td>{day.day}</td>
                <td>{formatMoney(day.amountMinor, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
