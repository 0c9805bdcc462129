import FlintIO
import Foundation

/// Training curves: several named series of values per epoch, drawn as lines with axes, ticks, numeric
/// labels, a grid, a legend and a title, rendered to an image or a PNG file a person can open.
///
/// Series may differ in length; value `i` of a series is drawn at x = `firstX + i` (epoch 1, 2, …). NaN
/// and infinite values leave a gap in their line. The legend goes in the corner of the plot that covers
/// the fewest points.
///
/// ```swift
/// let plot = LinePlot(title: "Loss", series: [("train", [0.9, 0.5, 0.3]), ("validation", [1.0, 0.6, 0.45])])
/// try plot.writePNG(to: URL(fileURLWithPath: "runs/mnist/loss.png"))
/// ```
public struct LinePlot: Sendable {
    /// The title above the plot.
    public var title: String
    /// The curves: a name for the legend and one value per x position.
    public var series: [(name: String, values: [Double])]
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis (drawn vertically); empty for none.
    public var yLabel: String
    /// The x position of each series' first value.
    public var firstX: Int

    /// A plot of `series` against epochs 1, 2, …
    ///
    /// ```swift
    /// let plot = LinePlot(title: "Accuracy", series: [("train", trainAccuracy), ("test", testAccuracy)], yLabel: "accuracy")
    /// ```
    public init(title: String, series: [(name: String, values: [Double])], xLabel: String = "epoch", yLabel: String = "", firstX: Int = 1) {
        self.title = title
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.firstX = firstX
    }

    /// The plot drawn on a white image of `width` x `height` pixels.
    ///
    /// ```swift
    /// let image = plot.render(width: 640, height: 480)
    /// ```
    public func render(width: Int = 640, height: Int = 480) -> RGBImage {
        precondition(width >= 120 && height >= 90, "LinePlot.render: size \(width)x\(height) is below the 120x90 minimum")
        var image = RGBImage(width: width, height: height, fill: .white)
        let scale = PlotStyle.textScale(width: width, height: height)
        let lineHeight = PlotFont.height(scale: scale)
        let pad = 6 * scale

        let finite = series.flatMap(\.values).filter(\.isFinite)
        let longest = series.map(\.values.count).max() ?? 0
        let yAxis = PlotAxis(minimum: finite.min() ?? 0, maximum: finite.max() ?? 1, targetTickCount: 6)
        let lastX = firstX + max(longest - 1, 0)
        let xAxis = PlotAxis(minimum: Double(firstX), maximum: Double(lastX), targetTickCount: 8,
                             snapToTicks: false, integerSteps: true)

        // Layout: title on top, x tick labels and x label below, y label and y tick labels on the left.
        let titleScale = scale + 1
        let top = pad + (title.isEmpty ? 0 : PlotFont.height(scale: titleScale) + pad)
        let yTickWidth = yAxis.ticks.map { PlotFont.width(of: yAxis.label($0), scale: scale) }.max() ?? 0
        let left = pad + (yLabel.isEmpty ? 0 : lineHeight + pad) + yTickWidth + pad
        let bottomMargin = pad + lineHeight + (xLabel.isEmpty ? 0 : pad + lineHeight) + pad
        let right = width - 3 * pad
        let bottom = height - bottomMargin
        guard right - left > 20, bottom - top > 20 else { return image }

        // The x range is widened a little on each side so the first and last points are not on the frame.
        let xPad = longest <= 1 ? 1.0 : Double(lastX - firstX) * 0.03
        func pixelX(_ value: Double) -> Double {
            let low = xAxis.lower - xPad, high = xAxis.upper + xPad
            return Double(left) + (value - low) / (high - low) * Double(right - left)
        }
        func pixelY(_ value: Double) -> Double { yAxis.pixel(value, from: bottom, to: top) }

        // Grid, ticks and labels.
        for tick in yAxis.ticks {
            let y = Int(pixelY(tick).rounded())
            image.fillRectangle(x: left, y: y, width: right - left, height: 1, color: PlotStyle.grid)
            image.fillRectangle(x: left - 2 * scale, y: y, width: 2 * scale, height: scale, color: PlotStyle.ink)
            image.drawText(yAxis.label(tick), rightX: left - 3 * scale, centerY: y, scale: scale, color: PlotStyle.ink)
        }
        for tick in xAxis.ticks {
            let x = Int(pixelX(tick).rounded())
            image.fillRectangle(x: x, y: top, width: 1, height: bottom - top, color: PlotStyle.grid)
            image.fillRectangle(x: x, y: bottom, width: scale, height: 2 * scale, color: PlotStyle.ink)
            image.drawText(String(Int(tick)), centerX: x, y: bottom + 3 * scale, scale: scale, color: PlotStyle.ink)
        }
        image.strokeRectangle(x: left, y: top, width: right - left + 1, height: bottom - top + 1, color: PlotStyle.ink, thickness: 1)

        // The curves, then markers when there are few enough points to see them.
        for (index, entry) in series.enumerated() {
            let color = PlotStyle.palette[index % PlotStyle.palette.count]
            var previous: (x: Int, y: Int)?
            for (position, value) in entry.values.enumerated() {
                guard value.isFinite else {
                    previous = nil
                    continue
                }
                let point = (x: Int(pixelX(Double(firstX + position)).rounded()), y: Int(pixelY(value).rounded()))
                if let previous { image.drawLine(from: previous, to: point, color: color, thickness: scale + 1) }
                if entry.values.count <= 40 {
                    let marker = 2 * scale + 2
                    image.fillRectangle(x: point.x - marker / 2, y: point.y - marker / 2, width: marker, height: marker, color: color)
                }
                previous = point
            }
        }

        // Title and axis labels.
        if !title.isEmpty {
            image.drawText(PlotStyle.fitted(title, width: width - 2 * pad, scale: titleScale), centerX: (left + right) / 2, y: pad,
                           scale: titleScale, color: PlotStyle.ink)
        }
        if !xLabel.isEmpty {
            image.drawText(xLabel, centerX: (left + right) / 2, y: bottom + 3 * scale + lineHeight + pad, scale: scale, color: PlotStyle.ink)
        }
        if !yLabel.isEmpty {
            let labelLength = PlotFont.width(of: yLabel, scale: scale)
            image.drawText(yLabel, x: pad, y: (top + bottom) / 2 - labelLength / 2, scale: scale, color: PlotStyle.ink, vertical: true)
        }

        drawLegend(on: &image, plotArea: (left, top, right, bottom), scale: scale) { position, value in
            (pixelX(Double(firstX + position)), pixelY(value))
        }
        return image
    }

    /// Draws the legend box in the corner of the plot area that hides the fewest data points.
    private func drawLegend(on image: inout RGBImage, plotArea: (left: Int, top: Int, right: Int, bottom: Int), scale: Int,
                            point: (Int, Double) -> (Double, Double)) {
        guard !series.isEmpty else { return }
        let lineHeight = PlotFont.height(scale: scale)
        let swatch = 4 * PlotFont.advance * scale / 2
        let rowHeight = lineHeight + 3 * scale
        let maximumTextWidth = (plotArea.right - plotArea.left) / 2
        let names = series.map { PlotStyle.fitted($0.name, width: maximumTextWidth, scale: scale) }
        let boxWidth = 3 * scale + swatch + 2 * scale + (names.map { PlotFont.width(of: $0, scale: scale) }.max() ?? 0) + 3 * scale
        let boxHeight = series.count * rowHeight + 3 * scale
        let margin = 4 * scale
        let corners = [
            (plotArea.right - margin - boxWidth, plotArea.top + margin),
            (plotArea.left + margin, plotArea.top + margin),
            (plotArea.right - margin - boxWidth, plotArea.bottom - margin - boxHeight),
            (plotArea.left + margin, plotArea.bottom - margin - boxHeight),
        ]
        func hidden(_ corner: (Int, Int)) -> Int {
            var count = 0
            for entry in series {
                for (position, value) in entry.values.enumerated() where value.isFinite {
                    let (x, y) = point(position, value)
                    let slack = Double(6 * scale)
                    if x >= Double(corner.0) - slack && x <= Double(corner.0 + boxWidth) + slack
                        && y >= Double(corner.1) - slack && y <= Double(corner.1 + boxHeight) + slack {
                        count += 1
                    }
                }
            }
            return count
        }
        let (x, y) = corners.min { hidden($0) < hidden($1) } ?? corners[0]
        image.fillRectangle(x: x, y: y, width: boxWidth, height: boxHeight, color: .white)
        image.strokeRectangle(x: x, y: y, width: boxWidth, height: boxHeight, color: PlotStyle.ink.mixed(with: .white, amount: 0.6))
        for (index, name) in names.enumerated() {
            let color = PlotStyle.palette[index % PlotStyle.palette.count]
            let rowCenter = y + 3 * scale + index * rowHeight + lineHeight / 2
            image.fillRectangle(x: x + 3 * scale, y: rowCenter - scale, width: swatch, height: scale + 1, color: color)
            image.drawText(name, x: x + 3 * scale + swatch + 2 * scale, y: rowCenter - lineHeight / 2, scale: scale, color: PlotStyle.ink)
        }
    }

    /// The plot as a PNG file's bytes.
    ///
    /// ```swift
    /// let png = plot.renderPNG(width: 800, height: 600)
    /// ```
    public func renderPNG(width: Int = 640, height: Int = 480) -> [UInt8] {
        render(width: width, height: height).pngData()
    }

    /// Writes the plot to a PNG file, atomically (temporary file, then rename).
    ///
    /// ```swift
    /// try plot.writePNG(to: URL(fileURLWithPath: "runs/mnist/loss.png"))
    /// ```
    public func writePNG(to url: URL, width: Int = 640, height: Int = 480) throws {
        try AtomicFile.write(Data(renderPNG(width: width, height: height)), to: url)
    }
}
