// xunit.v3 does not add this global using itself.
global using Xunit;
