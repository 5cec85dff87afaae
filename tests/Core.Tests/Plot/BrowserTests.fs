module PlotBrowserTests

open System
open System.IO
open System.Text.Json
open System.Text.RegularExpressions
open Expecto
open Fluxion.Plot

/// Skips (or, with FLUXION_REQUIRE_BROWSER=1 as in CI, fails) when headless Chromium is not installed.
let internal needBrowser () =
    if not (PngExport.isAvailable ()) then
        let why = sprintf "headless Chromium not found at %s (Debian package 'chromium')" PngExport.chromiumPath
        if Environment.GetEnvironmentVariable "FLUXION_REQUIRE_BROWSER" = "1" then failtest (why + " but FLUXION_REQUIRE_BROWSER=1")
        else skiptest why

let internal withTempDir (f: string -> unit) =
    let d = Directory.CreateTempSubdirectory("fluxion-browser-")
    try f d.FullName finally (try d.Delete true with _ -> ())

/// Runs the page with every host unresolvable and a network log; returns (DOM, console lines, page requests to http(s)).
let internal openOffline (dir: string) (htmlPath: string) (budgetMs: int) =
    let netLog = Path.Combine(dir, "net-log.json")
    let dom, stderr =
        PngExport.runLogged PngExport.chromiumPath
            [ "--dump-dom"; sprintf "--virtual-time-budget=%d" budgetMs; "--host-resolver-rules=MAP * ~NOTFOUND"
              "--enable-logging=stderr"; "--v=0"; "--log-net-log=" + netLog ] htmlPath
    let console = [ for l in stderr.Split('\n') do if l.Contains(":CONSOLE") then yield l ]
    // The browser's own background calls have no page origin; the page's requests carry the file:// isolation key.
    let pageRequests =
        let root = JsonDocument.Parse(File.ReadAllText netLog).RootElement
        [ for e in root.GetProperty("events").EnumerateArray() do
            match e.TryGetProperty "params" with
            | true, p when p.ValueKind = JsonValueKind.Object ->
                match p.TryGetProperty "url", p.TryGetProperty "network_isolation_key" with
                | (true, u), (true, k) when u.GetString().StartsWith("http") && k.GetString().Contains("file://") ->
                    yield u.GetString()
                | _ -> ()
            | _ -> () ]
    dom, console, pageRequests

/// The DOM of each figure: from its plot div to the next one.
let internal figureSegments (dom: string) (count: int) =
    [ for k in 1 .. count ->
        let s = dom.IndexOf(sprintf "id=\"figure-%d\"" k, StringComparison.Ordinal)
        if s < 0 then failtestf "figure-%d missing from the DOM" k
        let e = dom.IndexOf(sprintf "id=\"figure-%d\"" (k + 1), StringComparison.Ordinal)
        dom.Substring(s, (if e < 0 then dom.Length else e) - s) ]

let internal count (text: string) (part: string) = PlotReportTests.countOf text part

/// Reads width and height from a PNG's IHDR chunk.
let private pngSize (path: string) =
    let b = File.ReadAllBytes path
    let signature = [| 137uy; 80uy; 78uy; 71uy; 13uy; 10uy; 26uy; 10uy |]
    Expect.equal b.[0..7] signature "PNG signature"
    let be i = (int b.[i] <<< 24) ||| (int b.[i + 1] <<< 16) ||| (int b.[i + 2] <<< 8) ||| int b.[i + 3]
    be 16, be 20

/// Screenshots one figure; into FLUXION_FIGURES_DIR when set (how docs/figures is made), else a temp folder.
let private screenshot (name: string) (width: int) (height: int) (chart: unit -> Plotly.NET.GenericChart) =
    needBrowser ()
    withTempDir (fun tmp ->
        let target = Environment.GetEnvironmentVariable "FLUXION_FIGURES_DIR"
        let dir = if String.IsNullOrEmpty target then tmp else target
        let png = Path.Combine(dir, name + ".png")
        PngExport.saveChart png width height (chart ())
        Expect.equal (pngSize png) (width, height) "PNG has the window size"
        // A blank white page compresses to a few hundred bytes; a drawn figure is far larger.
        Expect.isGreaterThan (FileInfo png).Length 10_000L "the PNG holds a drawing")

[<Tests>]
let tests =
    testList "Plot.Browser" [
        testCase "every figure of a report draws in headless Chromium offline, without console messages or network requests" <| fun () ->
            needBrowser ()
            withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit05.html")
                Report.save html "Unit 5" [
                    Text "Iteration 1000 | Loss = 0.191869"
                    Figure (PlotData.trainingFigure ())
                    Figure (PlotData.activationFigure ())
                    Text "Model summary <torchinfo> & more"
                    Figure (PlotData.capacityFigure ())
                    Figure (PlotData.himmelblauFigure ())
                    Figure (PlotData.lossFigure ()) ]
                let dom, console, requests = openOffline dir html 5000
                Expect.isEmpty console "no console messages (errors, warnings) from the page"
                Expect.isEmpty requests "no request leaves the page"
                Expect.isFalse (Regex.IsMatch(dom, "class=\"[^\"]*fluxion-plot-error")) "no figure reported a drawing error"
                Expect.isTrue (dom.Contains "Model summary &lt;torchinfo&gt; &amp; more") "text block in the page"
                let segs = figureSegments dom 5
                let has (seg: string) (pattern: string) = Regex.IsMatch(seg, pattern)
                // scatter traces per figure: points+line, 4 panels, points+line, 3 trajectories+start, 3 loss series
                let scatters = [ 2; 4; 2; 4; 3 ]
                for (k, seg) in List.indexed segs do
                    Expect.equal (count seg "class=\"plot-container") 1 (sprintf "figure %d has its plot container" (k + 1))
                    Expect.isGreaterThanOrEqual (count seg "class=\"main-svg\"") 2 (sprintf "figure %d drew its svg layers" (k + 1))
                    Expect.equal (count seg "class=\"trace scatter") scatters.[k] (sprintf "figure %d drew every scatter trace" (k + 1))
                    Expect.isTrue (seg.Contains "class=\"xtick\"") (sprintf "figure %d drew axis ticks" (k + 1))
                let heat = segs.[3]
                Expect.isTrue (has heat "<g class=\"hm\"><image[^>]+href=\"data:image/png;base64,") "the heatmap drew as an image of the 400x400 values"
                Expect.isTrue (has heat "class=\"[^\"]*\\bcolorbar\"") "the colour bar drew"
                for label in [ "0.01"; "1"; "10"; "100"; "1000" ] do
                    Expect.isTrue (heat.Contains(sprintf "data-unformatted=\"%s\"" label)) (sprintf "colour bar tick %s" label)
                Expect.isTrue (segs.[1].Contains "ReLU(x) = max(0, x)") "grid titles drew")

        testCase "the offline check notices a page that fetches from the network and logs errors" <| fun () ->
            needBrowser ()
            withTempDir (fun dir ->
                let html = Path.Combine(dir, "bad.html")
                File.WriteAllText(html, "<html><body><script>fetch('https://example.org/x').catch(function(){}); throw new Error('boom');</script></body></html>")
                let _, console, requests = openOffline dir html 1000
                Expect.equal requests [ "https://example.org/x" ] "the page's request is seen"
                Expect.exists console (fun l -> l.Contains "boom") "the page's error is seen")

        // One export keeps the suite quick; FLUXION_FIGURES_DIR=docs/figures renders all of the README's figures.
        testCase "PNG export draws the Himmelblau figure at the window size" <| fun () ->
            screenshot "himmelblau" 760 480 PlotData.himmelblauFigure
            if not (String.IsNullOrEmpty(Environment.GetEnvironmentVariable "FLUXION_FIGURES_DIR")) then
                screenshot "training_pairs" 720 320 PlotData.trainingFigure
                screenshot "activation_grid" 860 520 PlotData.activationFigure
                screenshot "curve_fit" 720 320 PlotData.capacityFigure
                screenshot "loss_curve" 720 360 PlotData.lossFigure

        testCase "PNG export names the missing browser and the Debian package to install" <| fun () ->
            withTempDir (fun dir ->
                let html = Path.Combine(dir, "f.html")
                File.WriteAllText(html, "<html></html>")
                let missing = Path.Combine(dir, "no-such-chromium")
                try
                    PngExport.screenshotHtmlWith missing html (Path.Combine(dir, "f.png")) 100 100
                    failtest "expected FileNotFoundException"
                with :? FileNotFoundException as e ->
                    Expect.stringContains e.Message missing "names the missing binary"
                    Expect.stringContains e.Message "Debian package 'chromium'" "names the package"
                    Expect.stringContains e.Message "apt-get install -y chromium" "says how to install it")
    ]
