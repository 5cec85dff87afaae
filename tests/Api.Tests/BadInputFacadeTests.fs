/// The bad-input catalogue through the C# facade: the same exception types and messages as the core.
module BadInputFacadeTests

open System
open Expecto
open Fluxion
open Fluxion.CSharp

/// Expects exactly exception type 'E with a message holding every fragment.
let private raises<'E, 'a when 'E :> exn> (f: unit -> 'a) (fragments: string list) : 'E =
    let e = Expect.throwsC (fun () -> f () |> ignore) id
    if e.GetType() <> typeof<'E> then failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message
    for s in fragments do Expect.stringContains e.Message s (sprintf "message fragment %A" s)
    e :?> 'E

let private paramName (e: ArgumentException) expected = Expect.equal e.ParamName expected "ParamName"

[<Tests>]
let tests =
    testList "Api.BadInput" [
        testCase "creation: negative size, null data, zero arange step" <| fun () ->
            let e = raises<ShapeException, _> (fun () -> Torch.Zeros(2, -1)) []
            Expect.equal e.Message "zeros: Trying to create tensor with negative dimension -1: [2, -1]" "exact"
            paramName (raises<ArgumentNullException, _> (fun () -> Torch.Tensor(null: float[])) [ "values" ]) "values"
            paramName (raises<ArgumentNullException, _> (fun () -> Torch.FromArray((null: float[]), 2)) [ "tensor" ]) "data"
            paramName (raises<ArgumentNullException, _> (fun () -> Torch.Zeros(null: int[])) [ "zeros" ]) "shape"
            paramName (raises<ArgumentException, _> (fun () -> Torch.Arange(0.0, 1.0, 0.0)) [ "arange: step must be nonzero" ]) "step"
        testCase "cat/stack: null sequence, dim out of range" <| fun () ->
            paramName (raises<ArgumentNullException, _> (fun () -> Torch.Cat(null)) [ "tensors" ]) "tensors"
            paramName (raises<ArgumentNullException, _> (fun () -> Torch.Stack(null)) [ "tensors" ]) "tensors"
            raises<ShapeException, _> (fun () -> Torch.Stack([ Torch.Zeros(2, 3); Torch.Zeros(2, 3) ], 3)) [ "stack: dimension 3 is out of range"; "expected -3..2" ] |> ignore
        testCase "matmul and broadcasting name the op and the shapes" <| fun () ->
            raises<ShapeException, _> (fun () -> Torch.MatMul(Torch.Zeros(2, 3), Torch.Zeros(2))) [ "matmul: cannot multiply (2, 3) by (2,): inner sizes 3 and 2 differ" ] |> ignore
            raises<ShapeException, _> (fun () -> Torch.Zeros(2, 3) + Torch.Zeros(4)) [ "add: shapes (2, 3) and (4,) cannot be broadcast" ] |> ignore
            paramName (raises<ArgumentNullException, _> (fun () -> Torch.MatMul(Torch.Zeros(2, 2), Unchecked.defaultof<Tensor>)) [ "matmul" ]) "b"
        testCase "Diff.Grad: null function, non-scalar output" <| fun () ->
            let x = Torch.FromArray([| 1.0; 2.0 |], 2)
            paramName (raises<ArgumentNullException, _> (fun () -> Diff.Grad((null: Func<Tensor, Tensor>), x)) []) "f"
            raises<ShapeException, _> (fun () -> Diff.Grad(Func<Tensor, Tensor>(fun t -> t * 2.0), x)) [ "grad: f must return a scalar"; "(2,)" ] |> ignore
        testCase "layers: negative sizes and p outside [0, 1]" <| fun () ->
            paramName (raises<ArgumentException, _> (fun () -> Nn.Linear(-1, 2)) [ "Linear: feature counts must be non-negative, got in=-1 out=2" ]) "inF"
            paramName (raises<ArgumentOutOfRangeException, _> (fun () -> Nn.Dropout(1.5)) [ "Dropout: dropout probability has to be between 0 and 1, but got 1.5" ]) "p"
            paramName (raises<ArgumentOutOfRangeException, _> (fun () -> Nn.BatchNorm1d(-3)) [ "BatchNorm1d: num_features must be non-negative, got -3" ]) "numFeatures"
    ]
