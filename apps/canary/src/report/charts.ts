import * as echarts from 'echarts';

/** One chart as an SVG string, drawn by Apache ECharts' server-side renderer: no script, works offline. */
export function svgChart(option: echarts.EChartsOption, size: { width: number; height: number } = { width: 880, height: 300 }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export type Point = [number, number | null];

/** A time-series line chart (x: epoch milliseconds). */
export function lineChart(title: string, yName: string, series: { name: string; data: Point[]; step?: boolean; dashed?: boolean }[], options: { yLog?: boolean } = {}): string {
  return svgChart({
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 40, bottom: 60 },
    xAxis: { type: 'time' },
    yAxis: options.yLog ? { type: 'log', name: yName, logBase: 10 } : { type: 'value', name: yName },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.data,
      showSymbol: false,
      connectNulls: false,
      ...(s.step ? { step: 'end' } : {}),
      ...(s.dashed ? { lineStyle: { type: 'dashed' } } : {}),
    })),
  } as echarts.EChartsOption);
}
