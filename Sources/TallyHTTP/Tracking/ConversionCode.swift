/// The conversion pixel URL and the equivalent script for a thank-you page. The script reads the
/// page's variables — ClickTally's names or ClickMeter's, so existing pages keep working — and loads the pixel.
enum ConversionCode {
    static func pixelURL(conversionID: Int64, baseURL: String) -> String {
        "\(trimmed(baseURL))/cv/\(conversionID).gif"
    }

    static func snippet(conversionID: Int64, baseURL: String, value: Double) -> String {
        let base = trimmed(baseURL)
        return """
            <script>var ClickTally_conversion_value = '\(value)'; var ClickTally_conversion_commission = ''; \
            var ClickTally_conversion_commission_percentage = '';</script>
            <script async src="\(base)/cv/\(conversionID).js"></script>
            <noscript><img src="\(base)/cv/\(conversionID).gif?val=\(value)" width="1" height="1" alt=""></noscript>
            """
    }

    /// Served at `/cv/{id}.js`: no inline code is needed beyond the variables, and nothing but the pixel is loaded.
    static func script(conversionID: Int64, baseURL: String) -> String {
        """
        (function () {
          var w = window, q = [];
          function pick(a, b) { return w[a] !== undefined && w[a] !== '' ? w[a] : (w[b] !== undefined ? w[b] : ''); }
          function add(k, v) { if (v !== '' && v !== null && v !== undefined) q.push(k + '=' + encodeURIComponent(String(v))); }
          add('val', pick('ClickTally_conversion_value', 'ClickMeter_conversion_value'));
          add('com', pick('ClickTally_conversion_commission', 'ClickMeter_conversion_commission'));
          add('comperc', pick('ClickTally_conversion_commission_percentage', 'ClickMeter_conversion_commission_percentage'));
          var p = w.ClickTally_conversion_parameters;
          if (p && typeof p === 'object') { for (var k in p) { if (Object.prototype.hasOwnProperty.call(p, k)) add(k, p[k]); } }
          add('src', 'script');
          var i = new Image(1, 1);
          i.src = '\(pixelURL(conversionID: conversionID, baseURL: baseURL))' + (q.length ? '?' + q.join('&') : '');
        })();

        """
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
