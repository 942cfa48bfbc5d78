using Florascope.Web.Hosting;

var app = FlorascopeServer.Build(args);
app.Run();
