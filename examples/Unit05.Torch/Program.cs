using Fluxion.Backends.Torch;

// The course unit (examples/Unit05.CSharp, unchanged) on the backend named by FLUXION_BACKEND, the Torch
// backend when it is unset. Same arguments as Unit05: [--part NAME] [--list] [--report PATH | --no-report].
if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Backends.EnvironmentVariable)))
    Backends.select(BackendKind.Torch);
else
    Backends.fromEnvironment();
var unit = typeof(Unit05.Regression).Assembly.EntryPoint
    ?? throw new InvalidOperationException("the Unit05 assembly has no entry point");
return (int)(unit.Invoke(null, new object[] { args }) ?? 0);
