/// Bad input: shape and index errors are ArgumentExceptions naming the op, the shapes and the rule.
module ErrorTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open GradCheck

let private z (shape: int[]) = Tensor.zeros shape

/// Asserts that `f` raises an ArgumentException whose message contains every fragment.
let private raisesWith (f: unit -> 'a) (fragments: string list) =
    let e = Expect.throwsC (fun () -> f () |> ignore) id
    Expect.isTrue (e :? ArgumentException) (sprintf "expected an ArgumentException, got %s: %s" (e.GetType().Name) e.Message)
    for s in fragments do Expect.stringContains e.Message s "message fragment"

[<Tests>]
let tests =
    testList "Tensor.Errors" [
        testCase "matmul with mismatched inner sizes" <| fun () ->
            let e = Expect.throwsC (fun () -> Tensor.matmul (z [| 100; 3 |]) (z [| 2; 1 |]) |> ignore) id
            Expect.equal e.Message "matmul: cannot multiply (100, 3) by (2, 1): inner sizes 3 and 2 differ" "exact message"
            Expect.isTrue (e :? ArgumentException) "an ArgumentException"
        testCase "matmul with incompatible batch dims" <| fun () ->
            raisesWith (fun () -> Tensor.matmul (z [| 2; 2; 3 |]) (z [| 3; 3; 1 |])) [ "matmul"; "(2,)"; "(3,)"; "broadcast" ]
        testCase "broadcasting add, sub, mul, div, pow name the op and both shapes" <| fun () ->
            let a, b = z [| 2; 3 |], z [| 4 |]
            raisesWith (fun () -> a + b) [ "add"; "(2, 3)"; "(4,)"; "broadcast" ]
            raisesWith (fun () -> a - b) [ "sub"; "(2, 3)"; "(4,)" ]
            raisesWith (fun () -> a * b) [ "mul"; "(2, 3)"; "(4,)" ]
            raisesWith (fun () -> a / b) [ "div"; "(2, 3)"; "(4,)" ]
            raisesWith (fun () -> Tensor.Pow(a, b)) [ "pow"; "(2, 3)"; "(4,)" ]
        testCase "reshape to a different number of elements" <| fun () ->
            raisesWith (fun () -> (z [| 2; 3 |]).Reshape [| 4; 2 |]) [ "reshape"; "(4, 2)"; "(2, 3)"; "6" ]
            raisesWith (fun () -> (z [| 2; 3 |]).Reshape [| -1; 4 |]) [ "reshape"; "(-1, 4)"; "(2, 3)" ]
        testCase "cat with mismatched sizes outside the cat dim" <| fun () ->
            raisesWith (fun () -> Tensor.cat 0 [| z [| 2; 3 |]; z [| 2; 4 |] |]) [ "cat"; "(2, 4)"; "(2, 3)"; "dimension 0" ]
        testCase "stack of differently shaped tensors" <| fun () ->
            raisesWith (fun () -> Tensor.stack 0 [| z [| 2; 3 |]; z [| 3; 2 |] |]) [ "stack"; "(2, 3)"; "(3, 2)"; "equal size" ]
        testCase "conv1d with the wrong number of input channels" <| fun () ->
            raisesWith (fun () -> Tensor.conv1d 1 0 1 1 (z [| 4; 3; 2 |]) None (z [| 1; 2; 8 |])) [ "conv1d"; "(1, 2, 8)"; "(4, 3, 2)"; "channels" ]
        testCase "conv1d with an input shorter than the kernel" <| fun () ->
            raisesWith (fun () -> Tensor.conv1d 1 0 1 1 (z [| 1; 1; 5 |]) None (z [| 1; 1; 3 |])) [ "input length 3"; "kernel size 5" ]
        testCase "gather with an index of the wrong rank" <| fun () ->
            raisesWith (fun () -> Tensor.gather 1 (Creation.ofInt64 [| 2 |] [| 0L; 1L |]) (z [| 2; 3 |])) [ "gather"; "(2,)"; "(2, 3)" ]
        testCase "gather with an out-of-range index value" <| fun () ->
            raisesWith (fun () -> Tensor.gather 1 (Creation.ofInt64 [| 1; 1 |] [| 7L |]) (z [| 2; 3 |])) [ "gather"; "7"; "size 3" ]
        testCase "select out of range" <| fun () ->
            raisesWith (fun () -> (z [| 2; 3 |]).Select(1, 3)) [ "select"; "index 3"; "size 3"; "(2, 3)" ]
            raisesWith (fun () -> (z [| 2; 3 |]).[-3]) [ "select"; "index -3"; "size 2" ]
        testCase "expand of a non-1 dimension" <| fun () ->
            raisesWith (fun () -> (z [| 2; 3 |]).Expand [| 4; 3 |]) [ "expand"; "(2, 3)"; "(4, 3)"; "size-1" ]
        testCase "dimension out of range" <| fun () ->
            raisesWith (fun () -> (z [| 2; 3 |]).Sum([| 2 |], false)) [ "sum"; "dimension 2"; "out of range" ]
        testCase "grad of a non-scalar function" <| fun () ->
            raisesWith (fun () -> Diff.grad (fun x -> x * 2.0) (t64 [| 2 |] [| 1.0; 2.0 |])) [ "grad"; "scalar"; "(2,)" ]
        testCase "jvp with a tangent of the wrong shape" <| fun () ->
            raisesWith (fun () -> Diff.jvp Tensor.sin (t64 [| 2 |] [| 1.0; 2.0 |]) (t64 [| 3 |] [| 1.0; 2.0; 3.0 |])) [ "jvp"; "(3,)"; "(2,)" ]
    ]
