global using System.Net;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.Extensions.DependencyInjection;
global using Parley.Features.Workspaces;
global using Parley.Infrastructure.Data;
global using Parley.Tests.Infrastructure;
