/// CI runs the benchmark harness in quick mode to keep it working; timings are never asserted.
module BenchmarkHarnessTests

open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto

[<Tests>]
let tests =
    testList "Examples.BenchmarkHarness" [
        testCase "benchmarks/run.sh --quick runs every workload on both sides and the twins compute the same values" <| fun () ->
            let psi = ProcessStartInfo("bash", "benchmarks/run.sh --quick", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
            psi.WorkingDirectory <- ExampleRunner.repoRoot
            use p = Process.Start psi
            let out = p.StandardOutput.ReadToEndAsync()
            let err = p.StandardError.ReadToEndAsync()
            if not (p.WaitForExit 600_000) then (p.Kill true; failtest "the quick harness did not finish within 10 minutes")
            let out = out.Result + err.Result
            Expect.equal p.ExitCode 0 (sprintf "exit code; output:\n%s" out)
            // W1C ... are the captured steps (Tensor.Capture), compared with the base workload's PyTorch runs.
            let rows = [ for l in out.Split('\n') do if Regex.IsMatch(l, @"^\| (W\d|K1)") then yield l ]
            for w in [ "W1"; "W2"; "W3"; "W4"; "W1C"; "W2C"; "W3C"; "W4C"; "W7C"; "W5"; "W6"; "W7"; "W8"; "K1_512"; "K1_1024"; "W9" ] do
                Expect.exists rows (fun r -> r.StartsWith("| " + w + " ")) (sprintf "table row for %s" w)
            let pytorch =
                File.Exists "/usr/bin/python3"
                && (use t = Process.Start(ProcessStartInfo("/usr/bin/python3", "-c \"import torch\"", RedirectStandardError = true, UseShellExecute = false))
                    t.WaitForExit 60_000 |> ignore
                    t.ExitCode = 0)
            if pytorch then
                // The last column holds each side's final loss (or checksum): the same work gives the same value.
                for r in rows |> List.filter (fun r -> not (r.StartsWith "| W9")) do
                    let cells = r.Split('|') |> Array.map (fun c -> c.Trim()) |> Array.filter (fun c -> c <> "")
                    let check = cells.[cells.Length - 1]
                    let m = Regex.Match(check, @"^(\S+) / (\S+)$")
                    Expect.isTrue m.Success (sprintf "check column of %s" cells.[0])
                    let f, t = float m.Groups.[1].Value, float m.Groups.[2].Value
                    Expect.floatClose { absolute = 1e-5; relative = 1e-4 } f t (sprintf "%s: Fluxion and PyTorch end at the same value" cells.[0])
    ]
