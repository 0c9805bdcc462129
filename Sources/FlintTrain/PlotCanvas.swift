import Foundation

/// Drawing primitives the plots use: rectangles, thick lines, bitmap text. Everything clips to the image.
extension RGBImage {
    /// Fills the rectangle of columns `x..<x+width` and rows `y..<y+height`.
    mutating func fillRectangle(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
        let left = max(0, x), right = min(self.width, x + width)
        let top = max(0, y), bottom = min(self.height, y + height)
        guard left < right, top < bottom else { return }
        for row in top..<bottom {
            var offset = 3 * (row * self.width + left)
            for _ in left..<right {
                pixels[offset] = color.red
                pixels[offset + 1] = color.green
                pixels[offset + 2] = color.blue
                offset += 3
            }
        }
    }

    /// Draws the outline of a rectangle, `thickness` pixels wide, inside its bounds.
    mutating func strokeRectangle(x: Int, y: Int, width: Int, height: Int, color: RGBColor, thickness: Int = 1) {
        fillRectangle(x: x, y: y, width: width, height: thickness, color: color)
        fillRectangle(x: x, y: y + height - thickness, width: width, height: thickness, color: color)
        fillRectangle(x: x, y: y, width: thickness, height: height, color: color)
        fillRectangle(x: x + width - thickness, y: y, width: thickness, height: height, color: color)
    }

    /// Draws a line from (x0, y0) to (x1, y1) with a square pen `thickness` pixels wide (Bresenham).
    mutating func drawLine(from start: (x: Int, y: Int), to end: (x: Int, y: Int), color: RGBColor, thickness: Int = 1) {
        let deltaX = abs(end.x - start.x), deltaY = -abs(end.y - start.y)
        let stepX = start.x < end.x ? 1 : -1, stepY = start.y < end.y ? 1 : -1
        var error = deltaX + deltaY
        var x = start.x, y = start.y
        let offset = (thickness - 1) / 2
        // A line far outside the image would take long to walk: such lines are drawn only when they are
        // no longer than a few image sizes (plots clip their data to the plot area first).
        guard deltaX - deltaY <= 4 * (width + height) else { return }
        while true {
            fillRectangle(x: x - offset, y: y - offset, width: thickness, height: thickness, color: color)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= deltaY {
                error += deltaY
                x += stepX
            }
            if doubled <= deltaX {
                error += deltaX
                y += stepY
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` square.
    /// With `vertical`, the text runs bottom to top (rotated a quarter turn anticlockwise) and (x, y) is
    /// the top-left corner of its rotated bounding box.
    mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, color: RGBColor, vertical: Bool = false) {
        let length = PlotFont.width(of: text, scale: scale)
        for (index, character) in text.enumerated() {
            let glyph = PlotFont.glyph(for: character)
            for row in 0..<PlotFont.glyphHeight {
                for column in 0..<PlotFont.glyphWidth where glyph[row] & (1 << (4 - column)) != 0 {
                    let alongText = (index * PlotFont.advance + column) * scale
                    let acrossText = row * scale
                    if vertical {
                        fillRectangle(x: x + acrossText, y: y + length - alongText - scale, width: scale, height: scale, color: color)
                    } else {
                        fillRectangle(x: x + alongText, y: y + acrossText, width: scale, height: scale, color: color)
                    }
                }
            }
        }
    }

    /// Draws `text` centred horizontally on `centerX`, its top at `y`.
    mutating func drawText(_ text: String, centerX: Int, y: Int, scale: Int, color: RGBColor) {
        drawText(text, x: centerX - PlotFont.width(of: text, scale: scale) / 2, y: y, scale: scale, color: color)
    }

    /// Draws `text` right-aligned to `rightX`, centred vertically on `centerY`.
    mutating func drawText(_ text: String, rightX: Int, centerY: Int, scale: Int, color: RGBColor) {
        drawText(text, x: rightX - PlotFont.width(of: text, scale: scale), y: centerY - PlotFont.height(scale: scale) / 2,
                 scale: scale, color: color)
    }
}

/// Colours and sizes shared by the plots.
enum PlotStyle {
    /// matplotlib's "tab10" palette, the colours of successive series.
    static let palette: [RGBColor] = [
        RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44), RGBColor(214, 39, 40),
        RGBColor(148, 103, 189), RGBColor(140, 86, 75), RGBColor(227, 119, 194), RGBColor(127, 127, 127),
        RGBColor(188, 189, 34), RGBColor(23, 190, 207),
    ]
    /// Grid lines.
    static let grid = RGBColor(225, 225, 225)
    /// Axis frame, ticks and text.
    static let ink = RGBColor(40, 40, 40)

    /// The font scale for tick labels on an image of this size: 1 up to about 480 pixels, then larger.
    static func textScale(width: Int, height: Int) -> Int {
        max(1, Int((Double(min(width, height)) / 320).rounded()))
    }

    /// `text` shortened with a trailing `.` until it fits in `width` pixels at `scale` (at least one character).
    static func fitted(_ text: String, width: Int, scale: Int) -> String {
        var shortened = text
        while shortened.count > 1 && PlotFont.width(of: shortened, scale: scale) > width {
            shortened = String(shortened.dropLast(shortened.hasSuffix(".") ? 2 : 1)) + "."
        }
        return shortened
    }
}
