import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { createEffect, onCleanup } from 'solid-js';
import type { ReportResult } from '../../../../hub/contracts/api/reports.js';
import { chartData, isCount, isPercent } from './chart-data';

// Only the pieces the reports use are registered, so the bundle carries no unused chart types.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

const PALETTE = ['#4f5bd5', '#1f8f5f', '#d9711c', '#d6334c', '#2f74d0', '#7a4fd0', '#b58a00', '#3a9ea5', '#8a8f9c', '#c2469b'];

export function ReportChart(props: { report: ReportResult }) {
  let canvas!: HTMLCanvasElement;
  let chart: Chart | undefined;
  createEffect(() => {
    const r = props.report;
    if (!r.chart) return;
    const { labels, datasets } = chartData(r);
    const isLine = r.chart.kind === 'line';
    const isStacked = r.chart.kind === 'stacked-bar';
    const config: ChartConfiguration = {
      type: isLine ? 'line' : 'bar',
      data: {
        labels,
        datasets: datasets.map((d, i) => ({
          label: d.name, data: d.data, backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length],
          borderWidth: isLine ? 2 : 0, pointRadius: isLine ? 2 : 0, tension: 0.2, maxBarThickness: 48,
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10 } } },
        scales: {
          x: { stacked: isStacked, grid: { display: false } },
          y: { stacked: isStacked, beginAtZero: true, ticks: { precision: isCount(r) ? 0 : undefined }, ...(isPercent(r) ? { max: 100 } : {}) },
        },
      },
    };
    chart?.destroy();
    chart = new Chart(canvas, config);
  });
  onCleanup(() => chart?.destroy());
  return <div class="report-chart"><canvas ref={canvas} role="img" aria-label={`${props.report.title} chart`} data-testid="report-chart" /></div>;
}
