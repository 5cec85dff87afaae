module Compat.NumPyTests

open System
open Expecto
open Fluxion.Compat
open Compat.CompatTestUtil

let private doc () = TestData.json "compat_numpy.json"

let private each (name: string) = (doc ()).GetProperty(name).EnumerateArray() |> Seq.toList

[<Tests>]
let tests =
    testList "Compat.NumPy" [
        testCase "convolve matches numpy bit for bit in all modes, for kernels below and above 11 taps and longer than a" <| fun () ->
            let cases = each "convolve"
            for c in cases do
                let a = hexDoubles (c.GetProperty "a")
                let v = hexDoubles (c.GetProperty "v")
                let mode = c.GetProperty("mode").GetString()
                equalBits (NumPy.convolve a v mode) (hexDoubles (c.GetProperty "out")) (sprintf "convolve n=%d m=%d %s" a.Length v.Length mode)
            Expect.isGreaterThan cases.Length 50 "enough cases"

        testCase "convolve: the course's example values and mode names by first letter" <| fun () ->
            Expect.equal (NumPy.convolve [| 1.0; 2.0; 3.0 |] [| 0.0; 1.0; 0.5 |] "full") [| 0.0; 1.0; 2.5; 4.0; 1.5 |] "full"
            Expect.equal (NumPy.convolve [| 1.0; 2.0; 3.0 |] [| 0.0; 1.0; 0.5 |] "same") [| 1.0; 2.5; 4.0 |] "same"
            Expect.equal (NumPy.convolve [| 1.0; 2.0; 3.0 |] [| 0.0; 1.0; 0.5 |] "valid") [| 2.5 |] "valid"
            Expect.equal (NumPy.convolve [| 0.0; 1.0; 0.5 |] [| 1.0; 2.0; 3.0; 4.0 |] "same") [| 1.0; 2.5; 4.0; 5.5 |] "swapped same"
            Expect.equal (NumPy.parseConvolveMode "Valid") NumPy.ConvolveMode.Valid "case-insensitive first letter"
            // the course's integer example: np.convolve([1, 2, 3, 4], [1, 2, 3]) -> [1 4 10 16 17 12]
            Expect.equal (NumPy.convolveInt64 [| 1L; 2L; 3L; 4L |] [| 1L; 2L; 3L |] NumPy.ConvolveMode.Full) [| 1L; 4L; 10L; 16L; 17L; 12L |] "int full"
            Expect.equal (NumPy.convolveInt64 [| 1L; 2L; 3L; 4L |] [| 1L; 2L; 3L |] NumPy.ConvolveMode.Valid) [| 10L; 16L |] "int valid"

        testCase "convolve rejects empty inputs with numpy's messages" <| fun () ->
            throwsWith<ArgumentException> (fun () -> NumPy.convolve [||] [| 1.0 |] "full" |> ignore) "v cannot be empty" "empty a (swapped)"
            throwsWith<ArgumentException> (fun () -> NumPy.convolve [||] [||] "full" |> ignore) "a cannot be empty" "both empty"
            throwsWith<ArgumentException> (fun () -> NumPy.convolve [| 1.0 |] [| 1.0 |] "x" |> ignore) "mode must be 'full', 'valid' or 'same'" "bad mode"

        testCase "digitize matches numpy for increasing, decreasing and repeated bins, values on edges, right both ways" <| fun () ->
            for c in each "digitize" do
                let x = hexDoubles (c.GetProperty "x")
                let bins = hexDoubles (c.GetProperty "bins")
                let right = c.GetProperty("right").GetBoolean()
                Expect.equal (NumPy.digitize x bins right) (int64s (c.GetProperty "out")) (sprintf "bins %A right=%b" bins right)
            throwsWith<ArgumentException> (fun () -> NumPy.digitize [| 1.0 |] [| 3.0; 1.0; 2.0 |] false |> ignore) "bins must be monotonically increasing or decreasing" "unsorted bins"

        testCase "bincount matches numpy and rejects negatives with numpy's message" <| fun () ->
            for c in each "bincount" do
                let x = int64s (c.GetProperty "x")
                Expect.equal (NumPy.bincount x (c.GetProperty("minlength").GetInt32())) (int64s (c.GetProperty "out")) (sprintf "bincount %A" x)
            throwsWith<ArgumentException> (fun () -> NumPy.bincount [| 1L; -1L |] 0 |> ignore) "'list' argument must have no negative elements" "negative value"
            throwsWith<ArgumentOutOfRangeException> (fun () -> NumPy.bincount [| 1L |] -1 |> ignore) "'minlength' must not be negative" "negative minlength"

        testCase "linspace and arange match numpy bit for bit" <| fun () ->
            for c in each "linspace" do
                let g (n: string) = c.GetProperty(n).GetDouble()
                let got = NumPy.linspace (g "start") (g "stop") (c.GetProperty("num").GetInt32()) (c.GetProperty("endpoint").GetBoolean())
                equalBits got (hexDoubles (c.GetProperty "out")) (label c)
            for c in each "arange" do
                let g (n: string) = c.GetProperty(n).GetDouble()
                equalBits (NumPy.arange (g "start") (g "stop") (g "step")) (hexDoubles (c.GetProperty "out")) (label c)
            throwsWith<ArgumentOutOfRangeException> (fun () -> NumPy.linspace 0.0 1.0 -1 true |> ignore) "Number of samples, -1, must be non-negative" "negative num"

        testCase "sum and mean follow numpy's pairwise summation bit for bit" <| fun () ->
            for c in each "sum" do
                let a = hexDoubles (c.GetProperty "a")
                equalBits [| NumPy.sum a |] [| hexDouble (c.GetProperty "sum") |] (sprintf "sum of %d" a.Length)
                if a.Length > 0 then
                    equalBits [| NumPy.mean a |] [| hexDouble (c.GetProperty "mean") |] (sprintf "mean of %d" a.Length)
            Expect.isTrue (Double.IsNaN(NumPy.mean [||])) "mean of nothing is NaN"
    ]
