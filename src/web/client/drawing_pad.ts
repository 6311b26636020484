// A canvas to draw a garment on with mouse, pen or finger: light strokes on black, like Fashion-MNIST. Calls back
// when a stroke ends, so the drawing is classified as it grows.
export class DrawingPad {
  private drawing = false;
  private readonly context: CanvasRenderingContext2D;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onStrokeEnd: () => void,
  ) {
    this.context = canvas.getContext('2d')!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.start(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(type, () => this.end());
  }

  clear(): void {
    const { context, canvas } = this;
    context.fillStyle = '#000000';
    context.fillRect(0, 0, canvas.width, canvas.height);
  }

  private point(e: PointerEvent): [number, number] {
    const box = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - box.left) * this.canvas.width) / box.width,
      ((e.clientY - box.top) * this.canvas.height) / box.height,
    ];
  }

  private start(e: PointerEvent): void {
    this.drawing = true;
    this.canvas.setPointerCapture(e.pointerId);
    const { context } = this;
    context.strokeStyle = '#ffffff';
    context.lineWidth = this.canvas.width / 12;
    context.lineCap = context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(...this.point(e));
    context.lineTo(...this.point(e)); // a click leaves a dot
    context.stroke();
  }

  private move(e: PointerEvent): void {
    if (!this.drawing) return;
    this.context.lineTo(...this.point(e));
    this.context.stroke();
  }

  private end(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.onStrokeEnd();
  }
}
