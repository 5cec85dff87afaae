module Printing.SummaryFormatTests

open Expecto
open Fluxion.Printing

// A tiny model description: modules with their own parameters and a forward recipe. The rows a forward
// pass with hooks would record are derived from it, so the tables below are rebuilt from the models.
type private Step =
    | Call of string
    | Apply of (int[] -> int[])

type private Kind =
    | Leaf of (int[] -> int[])
    | Steps of Step list

type private Mod =
    { Id: int
      Class: string
      Own: (string * int64) list
      Children: (string * Mod) list
      Kernel: SummaryKernel
      Kind: Kind }

let mutable private nextId = 0
let private mk cls own children kernel kind =
    nextId <- nextId + 1
    { Id = nextId; Class = cls; Own = own; Children = children; Kernel = kernel; Kind = kind }

let private lastDim (f: int) (s: int[]) = Array.append s.[.. s.Length - 2] [| f |]
let private linear i o = mk "Linear" [ "weight", int64 (i * o); "bias", int64 o ] [] NoKernel (Leaf(lastDim o))
let private conv1d ci co k =
    mk "Conv1d" [ "weight", int64 (ci * co * k); "bias", int64 co ] [] (KernelList [| k |])
        (Leaf(fun s -> Array.append s.[.. s.Length - 3] [| co; s.[s.Length - 1] - k + 1 |]))
let private act cls = mk cls [] [] NoKernel (Leaf id)
let private sequential (ms: Mod list) =
    let named = ms |> List.mapi (fun i m -> string i, m)
    mk "Sequential" [] named NoKernel (Steps [ for n, _ in named -> Call n ])
let private custom cls children steps = mk cls [] children NoKernel (Steps steps)
let private flatten (s: int[]) = [| s.[0]; Array.fold (*) 1 s.[1..] |]

let rec private namedParams (m: Mod) : SummaryParam list =
    [ for n, c in m.Own -> { Name = n; Count = c; ElementSize = 4; RequiresGrad = true }
      for cn, c in m.Children do
          for p in namedParams c -> { p with Name = cn + "." + p.Name } ]

let private callOf (m: Mod) depth (input: int[]) (output: int[]) =
    { ModuleId = m.Id; Depth = depth; ClassName = m.Class; VarName = ""; IsLeaf = List.isEmpty m.Children
      InputShape = input; OutputShape = output; OutputElementSize = 4; Kernel = m.Kernel; Params = Array.ofList (namedParams m) }

/// The calls forward hooks record: a module's row comes before its children's, in execution order.
let rec private run (m: Mod) (depth: int) (input: int[]) : SummaryCall list * int[] =
    match m.Kind with
    | Leaf f ->
        let out = f input
        [ callOf m depth input out ], out
    | Steps steps ->
        let mutable x = input
        let inner = ResizeArray()
        for s in steps do
            match s with
            | Apply f -> x <- f x
            | Call name ->
                let child = m.Children |> List.find (fun (n, _) -> n = name) |> snd
                let calls, out = run child (depth + 1) x
                inner.AddRange calls
                x <- out
        callOf m depth input x :: List.ofSeq inner, x

/// Without an input torchinfo lists the modules once each, in registration order, with no shapes.
let rec private walk (m: Mod) (depth: int) : SummaryCall list =
    callOf m depth [||] [||] :: [ for _, c in m.Children do yield! walk c (depth + 1) ]

let private forward (m: Mod) (inputShape: int[]) = fst (run m 0 inputShape)

let private twoLayer () =
    let l1, r, l2 = linear 1 3, act "ReLU", linear 3 1
    custom "NeuralNetTwoLayer" [ "linear1", l1; "relu", r; "linear2", l2 ] [ Call "linear1"; Call "relu"; Call "linear2" ]

let private recModel () =
    let lin, tanh, out = linear 4 4, act "Tanh", linear 4 2
    custom "Rec" [ "lin", lin; "act", tanh; "out", out ] [ Call "lin"; Call "act"; Call "lin"; Call "act"; Call "out" ]

let private deep () =
    let features = sequential [ conv1d 1 4 3; act "ReLU"; sequential [ conv1d 4 8 3; act "ReLU" ] ]
    custom "Deep" [ "features", features; "fc", linear 48 10 ] [ Call "features"; Apply flatten; Call "fc" ]

let private fourLayer () =
    let ms = [ "l1", linear 1 10; "a1", act "ReLU"; "l2", linear 10 10; "a2", act "ReLU"; "l3", linear 10 10; "a3", act "ReLU"; "l4", linear 10 1 ]
    custom "NeuralNetFourLayer" ms [ for n, _ in ms -> Call n ]

let private table (i: int) =
    (TestData.json "torchinfo.json").GetProperty("summaries").[i].GetProperty("table").GetString()

let private withInput (options: SummaryOptions) (calls: SummaryCall list) (input: int[]) =
    SummaryFormat.summary options calls (Some(SummaryFormat.randInputBytes input 4))

let private dflt = SummaryFormat.defaultOptions true

[<Tests>]
let tests =
    testList "Printing.SummaryFormat" [
        testCase "course example: NeuralNetTwoLayer, input_size=(1,)" <| fun () ->
            Expect.equal (withInput dflt (forward (twoLayer ()) [| 1 |]) [| 1 |]) (table 0) "table 0"

        testCase "a Linear called twice shows (recursive) and is counted once" <| fun () ->
            Expect.equal (withInput dflt (forward (recModel ()) [| 5; 4 |]) [| 5; 4 |]) (table 1) "table 1"

        testCase "nested Sequential with Conv1d, input_size=(2,1,10)" <| fun () ->
            Expect.equal (withInput dflt (forward (deep ()) [| 2; 1; 10 |]) [| 2; 1; 10 |]) (table 2) "table 2"

        testCase "Sequential on a batch of 100 shows a non-zero pass size" <| fun () ->
            let m = sequential [ linear 2 8; act "ReLU"; linear 8 1 ]
            Expect.equal (withInput dflt (forward m [| 100; 2 |]) [| 100; 2 |]) (table 3) "table 3"

        testCase "without input only Param # is shown and the footer stops after the params" <| fun () ->
            let text = SummaryFormat.summary (SummaryFormat.defaultOptions false) (walk (deep ()) 0) None
            Expect.equal text (table 4) "table 4"

        testCase "input, output, params and mult-adds columns" <| fun () ->
            let o = { dflt with Columns = [| InputSize; OutputSize; NumParams; MultAdds |] }
            Expect.equal (withInput o (forward (deep ()) [| 2; 1; 10 |]) [| 2; 1; 10 |]) (table 5) "table 5"

        testCase "depth=1 hides deeper rows and shows the container's whole count" <| fun () ->
            let o = { dflt with Depth = 1 }
            Expect.equal (withInput o (forward (deep ()) [| 2; 1; 10 |]) [| 2; 1; 10 |]) (table 6) "table 6"

        testCase "golden c43: four-layer network with col_width=20" <| fun () ->
            let golden =
                (TestData.json "unit05_golden.json").GetProperty("notebook_comparison").GetProperty("cells_that_differ")
                    .GetProperty("c43_exercise_model_capacity").GetProperty("golden_text").GetString()
            let text = withInput { dflt with ColWidth = 20 } (forward (fourLayer ()) [| 1 |]) [| 1 |]
            Expect.stringContains golden ("\n" + text + "\n") "table inside the golden cell text"

        testCase "footer numbers of the Conv model follow the torchinfo rules" <| fun () ->
            let rows = SummaryFormat.analyze (forward (deep ()) [| 2; 1; 10 |])
            let t = SummaryFormat.totals rows (Some(SummaryFormat.randInputBytes [| 2; 1; 10 |] 4))
            // conv1: 16 params x 2 x 8 positions, conv2: 104 x 2 x 6, fc: 490 x 2 rows
            Expect.equal t.MultAdds (16L * 16L + 104L * 12L + 490L * 2L) "mult-adds"
            Expect.equal t.ForwardBackwardBytes (2L * 4L * (2L * 4L * 8L + 2L * 8L * 6L + 2L * 10L)) "2 x output bytes of leaves with params"
            Expect.equal t.ParamBytes (4L * 610L) "param bytes"
            Expect.equal t.InputBytes (System.Nullable(80L + 56L)) "input bytes"
            Expect.equal [ for r in rows -> r.Call.Depth, r.DepthIndex ] [ 0, 1; 1, 1; 2, 1; 2, 2; 2, 3; 3, 1; 3, 2; 1, 2 ] "depth-idx counters"

        testCase "mult-adds footer switches units and drops decimals for integral quotients" <| fun () ->
            let rows = SummaryFormat.analyze (forward (twoLayer ()) [| 1 |])
            let t = SummaryFormat.totals rows (Some 60L)
            let footer macs = (SummaryFormat.render dflt rows { t with MultAdds = macs }).Split('\n') |> Array.find (fun l -> l.StartsWith "Total mult-adds")
            Expect.equal (footer 3_000_000L) "Total mult-adds (Units.MEGABYTES): 3" "integral megabytes"
            Expect.equal (footer 1_234_567L) "Total mult-adds (Units.MEGABYTES): 1.23" "two decimals"
            Expect.equal (footer 2_500_000_000L) "Total mult-adds (Units.GIGABYTES): 2.50" "giga"
            Expect.equal (footer 999_999_999L) "Total mult-adds (Units.MEGABYTES): 1,000.00" "comma grouping"
            Expect.equal (footer 0L) "Total mult-adds (Units.MEGABYTES): 0" "zero is integral"

        testCase "long layer names widen the name column to a multiple of 5" <| fun () ->
            let m = custom "Outer" [ "x", { linear 1 1 with Class = "AVeryLongLayerClassNameForWidthTest" } ] [ Call "x" ]
            let text = withInput dflt (forward m [| 1 |]) [| 1 |]
            // depth 1 x 5 + 1 + len("AVeryLongLayerClassNameForWidthTest: 1-1") = 47 -> 50
            let divider = text.Split('\n').[0]
            Expect.equal divider.Length (50 + 2 * 25) "name column 50 plus two columns"

        testCase "rows must start at depth 0 and nest one level at a time" <| fun () ->
            let calls = forward (twoLayer ()) [| 1 |]
            let bad = calls |> List.mapi (fun i c -> if i = 1 then { c with Depth = 2 } else c)
            Expect.throwsC (fun () -> SummaryFormat.analyze bad |> ignore) (fun e ->
                Expect.isTrue (e :? System.ArgumentException) "ArgumentException"
                Expect.stringContains e.Message "SummaryFormat.analyze" "names the function")
    ]
